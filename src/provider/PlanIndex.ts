import { buildCatalogIndex, type CatalogIndex } from '../domain/catalogIndex.ts';
import type { Catalog, CatalogChange } from './Catalog.ts';

/** A built catalog index and the generation it belongs to. */
export interface IndexedCatalog {
  index: CatalogIndex;
  /** Grows with every rebuild; part of every machine's plan inputs. */
  generation: number;
}

/**
 * The catalog index the check-in reads (issue #3, item 8): built once, kept in memory, marked stale
 * by a catalog `change` and rebuilt at the next read, so a burst of admin changes costs one rebuild
 * and a check-in never scans the catalog. Activation counts do not change any plan, so they do not
 * make the index stale.
 *
 * @example const { index, generation } = planIndex.current()
 */
export class PlanIndex {
  readonly #catalog: Catalog;
  #built: IndexedCatalog | undefined;
  #generation = 0;
  readonly #onChange = (change: CatalogChange) => {
    if (change.type !== 'activated') this.#built = undefined;
  };

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
    catalog.on('change', this.#onChange);
  }

  /** The index of the catalog as it is now. */
  current(): IndexedCatalog {
    if (this.#built === undefined) {
      this.#generation++;
      this.#built = { index: buildCatalogIndex(this.#catalog.list()), generation: this.#generation };
    }
    return this.#built;
  }

  /** Stops listening to the catalog. */
  close(): void {
    this.#catalog.off('change', this.#onChange);
  }
}
