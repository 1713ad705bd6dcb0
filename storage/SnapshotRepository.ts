import { ReadCoalescer } from './ReadCoalescer.ts';
import type { JsonSublevel, Store, StoreOp } from './Store.ts';

/**
 * Persisted actor snapshots, one sublevel per actor kind (`snapshots/<kind>`), keyed by actor id.
 * A snapshot is whatever `actor.getPersistedSnapshot()` returned: plain JSON.
 */
export class SnapshotRepository {
  readonly #store: Store;
  readonly #reads: ReadCoalescer;

  constructor(store: Store) {
    this.#store = store;
    this.#reads = new ReadCoalescer(store.db);
  }

  #sublevel(kind: string): JsonSublevel {
    return this.#store.sublevel(`snapshots/${kind}`);
  }

  /** The persisted snapshot of actor `kind/id`, or `undefined`. */
  async get(kind: string, id: string): Promise<unknown> {
    return this.#reads.get(this.#sublevel(kind).prefixKey(id, 'utf8'));
  }

  /** An op that stores the snapshot of `kind/id`. */
  putOp(kind: string, id: string, snapshot: unknown): StoreOp {
    return { type: 'put', sublevel: this.#sublevel(kind), key: id, value: snapshot };
  }

  /** An op that forgets the snapshot of `kind/id`. */
  delOp(kind: string, id: string): StoreOp {
    return { type: 'del', sublevel: this.#sublevel(kind), key: id };
  }

  /** Ids of persisted actors of `kind`, in key order, from after `gt`, starting with `prefix`. */
  async ids(kind: string, options: { prefix?: string; gt?: string; limit?: number } = {}): Promise<string[]> {
    const range: Record<string, unknown> = { limit: options.limit ?? -1 };
    if (options.prefix) {
      range.gte = options.prefix;
      range.lt = `${options.prefix}\uffff`;
    }
    if (options.gt !== undefined && (range.gte === undefined || options.gt >= (range.gte as string))) {
      delete range.gte;
      range.gt = options.gt;
    }
    const ids: string[] = [];
    for await (const key of this.#sublevel(kind).keys(range as never) as AsyncIterable<string>) ids.push(key);
    return ids;
  }

  /** How many actors of `kind` are persisted (scans keys; for reports and tests). */
  async count(kind: string): Promise<number> {
    let count = 0;
    for await (const _ of this.#sublevel(kind).keys() as AsyncIterable<string>) count++;
    return count;
  }
}
