import type { Store, StoreOp } from '../../storage/Store.ts';

interface Pending {
  ops: StoreOp[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects writes from many actors and commits them in one LevelDB batch. While one batch is being
 * written (and fsynced), the next one fills, so throughput is not one fsync per event. A caller's
 * promise resolves only after its ops are on disk.
 *
 * @example await groupCommit.write([snapshotOp, recordOp])
 */
export class GroupCommit {
  readonly #store: Store;
  readonly #maxOps: number;
  #queue: Pending[] = [];
  #queuedOps = 0;
  #writing: Promise<void> | undefined;
  /** Batches written so far and the ops they held: for the host benchmark and stats. */
  readonly stats = { batches: 0, ops: 0 };

  constructor(store: Store, options: { maxOps?: number } = {}) {
    this.#store = store;
    this.#maxOps = options.maxOps ?? 4096;
  }

  /** Queues `ops` for the next batch; resolves once that batch is committed. */
  write(ops: StoreOp[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, resolve, reject });
      this.#queuedOps += ops.length;
      if (!this.#writing) this.#writing = this.#drainSoon();
    });
  }

  /** Resolves once everything queued so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drainSoon(): Promise<void> {
    // Yield once so that writes issued in the same turn of the event loop share the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#queue.length > 0) {
        const taken = this.#take();
        const ops = taken.flatMap((pending) => pending.ops);
        try {
          await this.#store.batch(ops);
          this.stats.batches++;
          this.stats.ops += ops.length;
          for (const pending of taken) pending.resolve();
        } catch (error) {
          for (const pending of taken) pending.reject(error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  #take(): Pending[] {
    let count = 0;
    let index = 0;
    while (
      index < this.#queue.length &&
      (index === 0 || count + this.#queue[index]!.ops.length <= this.#maxOps)
    ) {
      count += this.#queue[index]!.ops.length;
      index++;
    }
    this.#queuedOps -= count;
    return this.#queue.splice(0, index);
  }
}
