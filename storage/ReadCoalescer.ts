import type { ClassicLevel } from 'classic-level';

interface Waiting {
  key: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers point reads issued in the same turn of the event loop into one `getMany` on the root
 * database. A single LevelDB get costs a thread-pool round trip; a getMany of a hundred keys costs
 * about as much as a handful, so bursts of actor activations stay cheap.
 */
export class ReadCoalescer {
  readonly #db: ClassicLevel<string, unknown>;
  #waiting: Waiting[] = [];

  constructor(db: ClassicLevel<string, unknown>) {
    this.#db = db;
  }

  /** Reads the JSON value at the full (already prefixed) key, or undefined. */
  get(fullKey: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#flush());
      this.#waiting.push({ key: fullKey, resolve, reject });
    });
  }

  #flush(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#db
      .getMany(
        batch.map((waiting) => waiting.key),
        { keyEncoding: 'utf8', valueEncoding: 'json' } as never,
      )
      .then(
        (values) => {
          for (let index = 0; index < batch.length; index++) batch[index]!.resolve(values[index]);
        },
        (error) => {
          for (const waiting of batch) waiting.reject(error);
        },
      );
  }
}
