import type { Update } from './update.ts';
import { compareVersionKeys, type VersionKey, versionKey } from './versionKey.ts';

/** An update with its version pre-parsed, so plans compare numbers instead of strings. */
export interface IndexedUpdate {
  readonly update: Update;
  readonly key: VersionKey;
}

/** The GA updates of one release (MM.mm) of one product, each list oldest first. */
export interface ReleaseEntry {
  /** major·10⁴ + minor, as in {@link VersionKey.release}. */
  readonly release: number;
  readonly installs: readonly IndexedUpdate[];
  readonly patches: readonly IndexedUpdate[];
  /** Engineering specials (ES); `key.patch` says which patch each belongs to. */
  readonly specials: readonly IndexedUpdate[];
}

/** Everything the plan engine needs about one product (one upgrade code). */
export interface ProductEntry {
  readonly upgradeCode: string;
  /** Releases holding at least one GA update, oldest first. */
  readonly releases: readonly ReleaseEntry[];
  /** Updates in the Remove state, oldest first. */
  readonly removals: readonly IndexedUpdate[];
  /** Updates not in Remove, newest first: where a removal may roll back to. */
  readonly rollbackCandidates: readonly IndexedUpdate[];
}

/**
 * The catalog as the check-in path reads it: products by upgrade code, so a plan touches only the
 * products a machine has. Rebuild it (cheap: one sort) whenever an update is added, deleted or
 * changes state; it is immutable, so a check-in can keep using the old one meanwhile.
 */
export interface CatalogIndex {
  readonly products: ReadonlyMap<string, ProductEntry>;
  /** Every update, whatever its state (related installs and rollback look ids up here). */
  readonly updates: ReadonlyMap<string, IndexedUpdate>;
  /** The updates in the Remove state. */
  readonly removals: ReadonlyMap<string, IndexedUpdate>;
}

interface MutableRelease {
  release: number;
  installs: IndexedUpdate[];
  patches: IndexedUpdate[];
  specials: IndexedUpdate[];
}

interface MutableProduct {
  upgradeCode: string;
  releases: MutableRelease[];
  removals: IndexedUpdate[];
  rollbackCandidates: IndexedUpdate[];
}

/** Oldest first; equal versions by id so the index never depends on input order. */
function compareIndexed(a: IndexedUpdate, b: IndexedUpdate): number {
  return (
    compareVersionKeys(a.key, b.key) || (a.update.id < b.update.id ? -1 : a.update.id > b.update.id ? 1 : 0)
  );
}

/**
 * Builds the index in O(n log n): one sort, then one pass that appends to already-ordered lists.
 * Throws TypeError on a duplicate id and INVALID_VERSION on a malformed version.
 *
 * @example buildCatalogIndex(updates).products.get(upgradeCode)?.releases.at(-1)?.patches.at(-1)
 */
export function buildCatalogIndex(updates: readonly Update[]): CatalogIndex {
  const sorted: IndexedUpdate[] = updates.map((update) => ({ update, key: versionKey(update.version) }));
  sorted.sort(compareIndexed);
  const byId = new Map<string, IndexedUpdate>();
  const removals = new Map<string, IndexedUpdate>();
  const products = new Map<string, MutableProduct>();
  for (const indexed of sorted) {
    const { update } = indexed;
    if (byId.has(update.id)) throw new TypeError(`Expected unique update ids, got \`${update.id}\` twice`);
    byId.set(update.id, indexed);
    let product = products.get(update.upgradeCode);
    if (product === undefined) {
      product = { upgradeCode: update.upgradeCode, releases: [], removals: [], rollbackCandidates: [] };
      products.set(update.upgradeCode, product);
    }
    if (update.state === 'Remove') {
      removals.set(update.id, indexed);
      product.removals.push(indexed);
      continue;
    }
    product.rollbackCandidates.push(indexed);
    if (update.state !== 'GA') continue;
    // Input is sorted, so a new release is always the newest one seen so far for this product.
    let release = product.releases.at(-1);
    if (release === undefined || release.release !== indexed.key.release) {
      release = { release: indexed.key.release, installs: [], patches: [], specials: [] };
      product.releases.push(release);
    }
    const list =
      update.installType === 'Install'
        ? release.installs
        : update.installType === 'Patch'
          ? release.patches
          : release.specials;
    list.push(indexed);
  }
  for (const product of products.values()) product.rollbackCandidates.reverse();
  return { products, updates: byId, removals };
}
