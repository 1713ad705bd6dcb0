import type { JsonSublevel, Store, StoreOp } from './Store.ts';

/**
 * Persisted actor snapshots, one sublevel per actor kind (`snapshots/<kind>`), keyed by actor id.
 * A snapshot is whatever `actor.getPersistedSnapshot()` returned: plain JSON.
 */
export class SnapshotRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  #sublevel(kind: string): JsonSublevel {
    return this.#store.sublevel(`snapshots/${kind}`);
  }

  /**
   * The persisted snapshot of actor `kind/id`, or `undefined`. Read with classic-level's `getSync`:
   * an actor activates on the request that needs it, and a read through the thread pool made that
   * request wait for a whole further turn of a busy event loop (a recorded check-in's p90 at
   * 100,000 machines fell from 11–14 ms to 10.6 ms without it; docs/performance.md). It costs the
   * event loop no more than the asynchronous read did (~10 µs with the JSON, from the page cache).
   */
  async get(kind: string, id: string): Promise<unknown> {
    return this.#store.db.getSync(this.#sublevel(kind).prefixKey(id, 'utf8'));
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
