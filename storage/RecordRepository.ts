import type { JsonSublevel, Store, StoreOp } from './Store.ts';

/**
 * Typed access to one sublevel of JSON records keyed by id. Reads return `undefined` for a
 * missing record; writes are expressed as ops so callers can commit them in one atomic batch.
 *
 * @example const updates = new RecordRepository<Update>(store, 'updates'); await updates.get(id)
 */
export class RecordRepository<T> {
  readonly sublevel: JsonSublevel;
  readonly #store: Store;

  constructor(store: Store, name: string) {
    this.#store = store;
    this.sublevel = store.sublevel(name);
  }

  /** The record stored under `id`, or `undefined`. */
  async get(id: string): Promise<T | undefined> {
    return (await this.sublevel.get(id)) as T | undefined;
  }

  /** An op that stores `record` under `id`. */
  putOp(id: string, record: T): StoreOp {
    return { type: 'put', sublevel: this.sublevel, key: id, value: record };
  }

  /** An op that removes the record under `id`. */
  delOp(id: string): StoreOp {
    return { type: 'del', sublevel: this.sublevel, key: id };
  }

  /** Stores one record durably. */
  async put(id: string, record: T): Promise<void> {
    await this.#store.batch([this.putOp(id, record)]);
  }

  /** Removes one record durably. */
  async del(id: string): Promise<void> {
    await this.#store.batch([this.delOp(id)]);
  }

  /** Every record in key order, optionally within [gte, lt) and up to `limit`, newest first with `reverse`. */
  async *entries(
    range: { gte?: string; gt?: string; lt?: string; lte?: string; limit?: number; reverse?: boolean } = {},
  ): AsyncGenerator<[string, T]> {
    for await (const [key, value] of this.sublevel.iterator(range as never) as AsyncIterable<
      [string, unknown]
    >) {
      yield [key, value as T];
    }
  }

  /** Every record as an array (for small kinds: updates, groups, folders). */
  async all(): Promise<T[]> {
    const records: T[] = [];
    for await (const [, value] of this.entries()) records.push(value);
    return records;
  }

  /** Removes every record in the sublevel. */
  async clear(): Promise<void> {
    await this.sublevel.clear();
  }
}
