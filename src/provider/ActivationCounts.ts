import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store, StoreOp } from '../../storage/Store.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';

/** The counts of one update on their way to the store. */
interface InFlight {
  /** The count the last op queued carries: the committed count plus every activation queued since. */
  count: number;
  /** Ops queued and not yet settled. */
  writes: number;
  /** One of them failed: a later op may carry its activation, so the store is set right at the end. */
  failed: boolean;
}

/**
 * How many machines reported each update installed, kept apart from the update records (sublevel
 * `updateActivations`, a number per update id) and written in the commits of the events that report
 * them: a fleet installing one update reports hundreds a second, and a commit of their own after
 * each machine's made every events POST wait for a second commit.
 *
 * Apart, so that an activation's op never carries a stale copy of the rest of the record (a state
 * change queued but not committed), and a state change's op never carries a stale count. Ops queued
 * for one update carry increasing counts and commits land in the order they were queued, so the
 * store keeps the last one. The update record's own `activations` is only what it held when last
 * written (schema 2 moved the counts here). After a failed commit, a later op of the same update may
 * have carried the failed activation: the count is written again once the update's ops have all
 * settled, and a crash before that keeps it one too many.
 *
 * @example const activation = counts.queue(id, update.activations, () => committedCount(id)); await host.write([activation.op]); activation.settle(true)
 */
export class ActivationCounts {
  readonly #counts: RecordRepository<number>;
  readonly #host: ActorHost;
  readonly #inFlight = new Map<string, InFlight>();

  constructor(store: Store, host: ActorHost) {
    this.#counts = new RecordRepository<number>(store, 'updateActivations');
    this.#host = host;
  }

  /** Every stored count, by update id. */
  async load(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const [id, count] of this.#counts.entries()) counts.set(id, count);
    return counts;
  }

  /**
   * Queues one more activation of update `id`, whose committed count is `committed`: the op to commit,
   * and `settle`, to call exactly once (Catalog.activationOp guards it) with whether that commit is done. After a failed commit the count is
   * written again, from `committedNow()`, once no op of the update is in flight: a later op queued
   * while the failed one was pending carried its activation.
   */
  queue(
    id: string,
    committed: number,
    committedNow: () => number | undefined,
  ): { op: StoreOp; settle: (ok: boolean) => void } {
    let inFlight = this.#inFlight.get(id);
    if (inFlight === undefined) {
      inFlight = { count: committed, writes: 0, failed: false };
      this.#inFlight.set(id, inFlight);
    }
    inFlight.count += 1;
    inFlight.writes += 1;
    const entry = inFlight;
    return {
      op: this.#counts.putOp(id, entry.count),
      settle: (ok) => {
        entry.writes -= 1;
        if (!ok) entry.failed = true;
        if (entry.writes > 0) return;
        this.#inFlight.delete(id);
        const count = entry.failed ? committedNow() : undefined;
        if (count !== undefined) this.#writeAgain(id, count);
      },
    };
  }

  /**
   * Queues the count of `id` again, now: an activation queued after this call must land after it.
   * Not retried: a store that fails twice in a row has bigger problems, and the next activation of
   * the update writes its count again. A host already closed refuses the write at once.
   */
  #writeAgain(id: string, count: number): void {
    try {
      this.#host.write([this.#counts.putOp(id, count)]).catch(() => {});
    } catch {
      // Closed: the store keeps the last count that landed, at most the failed activations too many.
    }
  }

  /** The op that forgets update `id`'s count (with its record). */
  delOp(id: string): StoreOp {
    return this.#counts.delOp(id);
  }
}
