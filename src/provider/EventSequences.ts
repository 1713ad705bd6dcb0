import type { Store, StoreOp } from '../../storage/Store.ts';

/**
 * The last agent-event sequence number the provider stored per machine (`agentEventSeq`
 * sublevel). Agents number their events and resend a batch whose `202` they never saw; events at
 * or below the stored number are such resends and are dropped, so each event counts once. The
 * number is written in the same batch as the event it belongs to.
 *
 * @example const fresh = events.filter((e) => e.seq === undefined || e.seq > await sequences.last(id))
 */
export class EventSequences {
  readonly #store: Store;
  /** Recently used machines' numbers; bounded, since every machine that posts events passes here. */
  readonly #cache = new Map<string, number>();
  readonly #cacheSize: number;

  constructor(store: Store, options: { cacheSize?: number } = {}) {
    this.#store = store;
    this.#cacheSize = options.cacheSize ?? 50_000;
  }

  /** The last stored sequence number of `machineId` (0 when none). */
  async last(machineId: string): Promise<number> {
    const cached = this.#cache.get(machineId);
    if (cached !== undefined) return cached;
    const stored = await this.#store.sublevel('agentEventSeq').get(machineId);
    const last = typeof stored === 'number' ? stored : 0;
    this.#remember(machineId, last);
    return last;
  }

  /** The write that records `seq` for `machineId`. */
  putOp(machineId: string, seq: number): StoreOp {
    return { type: 'put', sublevel: this.#store.sublevel('agentEventSeq'), key: machineId, value: seq };
  }

  /** Notes a committed `seq` (only ever raises the number). */
  committed(machineId: string, seq: number): void {
    if (seq > (this.#cache.get(machineId) ?? 0)) this.#remember(machineId, seq);
  }

  /** Caches a number, dropping the least recently remembered past the bound (the store has them all). */
  #remember(machineId: string, seq: number): void {
    this.#cache.delete(machineId);
    this.#cache.set(machineId, seq);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
