import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import { migrate } from './migrations.ts';

/** The JSON-valued sublevel type every repository works on. */
export type JsonSublevel = ReturnType<ClassicLevel<string, unknown>['sublevel']> & {
  get(key: string): Promise<unknown>;
};

/** One write in an atomic batch, against a named sublevel of the store. */
export type StoreOp =
  | { type: 'put'; sublevel: JsonSublevel; key: string; value: unknown }
  | { type: 'del'; sublevel: JsonSublevel; key: string };

/** One op as classic-level's own batch takes it: the key with its sublevel prefix, the value encoded. */
type EncodedOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** classic-level's implementation of batch (abstract-level's `_batch`), below encodings and hooks. */
interface EncodedBatchTarget {
  _batch(ops: EncodedOp[], options: { sync: boolean }): Promise<void>;
}

/** Options for {@link Store.open}. */
export interface StoreOptions {
  /**
   * fsync every batch (default true). Group commit amortises the cost; turning it off keeps
   * crash safety against a killed process (the OS holds the write) but not against power loss.
   */
  sync?: boolean;
  /**
   * LevelDB's write buffer (memtable) in bytes; default LevelDB's 4 MiB. Every full buffer becomes a
   * level-0 file that a background thread compacts, so a store written thousands of times a second
   * wants a bigger one (the provider's: src/provider/ProviderCore.ts). Costs up to twice this in memory.
   */
  writeBufferBytes?: number;
}

/**
 * The provider's or agent's one classic-level database, `<data>/db`, with a sublevel per record kind.
 *
 * @example const store = await Store.open('./data'); await store.batch([...]); await store.close();
 */
export class Store {
  readonly db: ClassicLevel<string, unknown>;
  readonly sync: boolean;
  readonly #sublevels = new Map<string, JsonSublevel>();
  readonly #ownSublevels = new Set<JsonSublevel>();

  private constructor(db: ClassicLevel<string, unknown>, sync: boolean) {
    this.db = db;
    this.sync = sync;
  }

  /** Opens (creating if needed) `<dataDir>/db` and brings its schema up to date. */
  static async open(dataDir: string, options: StoreOptions = {}): Promise<Store> {
    await mkdir(dataDir, { recursive: true });
    const db = new ClassicLevel<string, unknown>(join(dataDir, 'db'), {
      valueEncoding: 'json',
      ...(options.writeBufferBytes === undefined ? {} : { writeBufferSize: options.writeBufferBytes }),
    });
    try {
      await db.open();
    } catch (cause) {
      throw new PatchbayError(`cannot open the store under ${dataDir}`, { code: 'STORE_NOT_OPEN', cause });
    }
    const store = new Store(db, options.sync ?? true);
    await migrate(store);
    return store;
  }

  /** The JSON sublevel called `name` (nested names use `/`, e.g. `snapshots/update`). */
  sublevel(name: string): JsonSublevel {
    let sublevel = this.#sublevels.get(name);
    if (!sublevel) {
      let parent: ClassicLevel<string, unknown> | JsonSublevel = this.db;
      for (const part of name.split('/')) {
        parent = (parent as ClassicLevel<string, unknown>).sublevel<string, unknown>(part, {
          valueEncoding: 'json',
        }) as unknown as JsonSublevel;
      }
      sublevel = parent as JsonSublevel;
      this.#sublevels.set(name, sublevel);
      this.#ownSublevels.add(sublevel);
    }
    return sublevel;
  }

  /** Writes every op atomically: all of them land, or none do. */
  async batch(ops: StoreOp[]): Promise<void> {
    if (ops.length === 0) return;
    this.#assertOpen();
    try {
      const encoded = this.#encode(ops);
      if (encoded) await (this.db as unknown as EncodedBatchTarget)._batch(encoded, { sync: this.sync });
      else await this.db.batch(ops as never, { sync: this.sync } as never);
    } catch (cause) {
      throw new PatchbayError('a store batch failed', { code: 'STORE_NOT_OPEN', cause });
    }
  }

  /**
   * The ops as classic-level stores them: utf8 keys behind their sublevel's prefix, JSON values. A
   * busy provider writes thousands of ops a second, and abstract-level's public batch spends ~10 µs
   * of the event loop on each (option spreading, encoding lookups, prefixing; measured, about 3x
   * this), so ops on this store's own sublevels go straight to classic-level's implementation of
   * batch with the same bytes. Undefined (the public path) for an op on a sublevel not made here.
   */
  #encode(ops: StoreOp[]): EncodedOp[] | undefined {
    // classic-level's own batch is abstract-level's implementation API: should a release drop it,
    // the public path still works.
    if (typeof (this.db as unknown as Partial<EncodedBatchTarget>)._batch !== 'function') return undefined;
    const encoded: EncodedOp[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (!this.#ownSublevels.has(op.sublevel)) return undefined;
      if (typeof op.key !== 'string') throw new TypeError(`Expected a string key, got ${typeof op.key}`);
      const key = op.sublevel.prefix + op.key;
      if (op.type === 'del') {
        encoded[i] = { type: 'del', key };
        continue;
      }
      // null and undefined are refused, as abstract-level refuses them.
      const value = op.value === null ? undefined : JSON.stringify(op.value);
      if (value === undefined)
        throw new TypeError(`Expected a JSON value for ${key}, got ${typeof op.value}`);
      encoded[i] = { type: 'put', key, value };
    }
    return encoded;
  }

  /** True while the database is open. */
  get isOpen(): boolean {
    return this.db.status === 'open';
  }

  /** Closes the database; pending writes that were acknowledged are already on disk. */
  async close(): Promise<void> {
    if (this.db.status === 'open' || this.db.status === 'opening') await this.db.close();
  }

  #assertOpen(): void {
    if (!this.isOpen) throw new PatchbayError('the store is not open', { code: 'STORE_NOT_OPEN' });
  }
}
