import type { JsonSublevel, Store, StoreOp } from '../../storage/Store.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';

/**
 * Times written per batch by a flush. Each chunk is encoded on the event loop and shares a group
 * commit with the check-ins of its moment, so a big one stalls them: 2,000 held the loop ~3–5 ms
 * (build and classic-level's batch call) and added ~1.5 ms to the commit riding with it, 80-odd
 * times a flush at a million machines. 256 holds it ~0.5 ms; the flush takes longer, not more CPU.
 */
export const FLUSH_CHUNK = 256;

/**
 * How often pending times are written by default. Short, so the writes come as a steady trickle:
 * each machine checks in once per interval (30–60 min), so waiting longer coalesces nothing and
 * only bunches the writes. At 30 s a million machines' ~165,000 times went out in ~6 s bursts
 * that added ~10% to the event loop's load while they lasted, and the pending map lived long
 * enough to be promoted to the old generation. A crash loses at most this much of them.
 */
export const CONTACT_FLUSH_MS = 250;

/**
 * Last-contact times of unchanged check-ins. Writing a machine's snapshot on every check-in only to
 * move its last contact would make the hot path one actor activation and one snapshot write per
 * request, so instead the time is kept in memory and flushed every `flushMs` (FLUSH_CHUNK times a
 * batch) to the `lastContact` sublevel (`<id>` → ISO time). A crash loses at most `flushMs` of them,
 * never a state change: every check-in that changes anything else is recorded through the actor.
 *
 * @example contacts.touch('m1', Date.now()); await contacts.get('m1')
 */
export class LastContacts {
  readonly #host: ActorHost;
  readonly #sublevel: JsonSublevel;
  #dirty = new Map<string, number>();
  /** The times a flush is writing: swapped out of `#dirty`, read until they are in the store. */
  #writing = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;

  constructor(store: Store, host: ActorHost, flushMs: number = CONTACT_FLUSH_MS) {
    this.#host = host;
    this.#sublevel = store.sublevel('lastContact');
    this.#timer = setInterval(() => void this.flush().catch(() => {}), flushMs);
    this.#timer.unref();
  }

  /** Notes that `id` was heard from at `ms` (epoch milliseconds). */
  touch(id: string, ms: number): void {
    this.#dirty.set(id, ms);
  }

  /** The last contact of `id` known here (memory first, then the store), as epoch ms, or undefined. */
  async get(id: string): Promise<number | undefined> {
    const pending = this.#dirty.get(id) ?? this.#writing.get(id);
    if (pending !== undefined) return pending;
    const stored = (await this.#sublevel.get(id)) as string | undefined;
    return stored === undefined ? undefined : Date.parse(stored);
  }

  /** Every known last contact (store and memory merged), for reports over the whole fleet. */
  async all(): Promise<Map<string, number>> {
    // The maps as the scan starts, and as it ends: a flush finishing meanwhile swaps them, and the
    // scan's view of the store may predate its writes.
    const before = [this.#writing, this.#dirty];
    const times = new Map<string, number>();
    for await (const [id, iso] of this.#sublevel.iterator() as AsyncIterable<[string, string]>) {
      times.set(id, Date.parse(iso));
    }
    for (const pending of [...before, this.#writing, this.#dirty]) {
      for (const [id, ms] of pending) times.set(id, Math.max(ms, times.get(id) ?? ms));
    }
    return times;
  }

  /** The op that forgets `id` (when a machine is removed). */
  delOp(id: string): StoreOp {
    return { type: 'del', sublevel: this.#sublevel, key: id };
  }

  /**
   * Writes every pending time, FLUSH_CHUNK at a time: one huge batch would hold the event loop while
   * it is encoded, stalling check-ins (see FLUSH_CHUNK). The pending map is swapped out, not copied:
   * with a long `flushMs` it can hold a large part of the fleet, and a copy of it every flush would be
   * garbage for the old generation.
   * Should a write fail, the times not written are pending again (unless newer ones came meanwhile).
   */
  async flush(): Promise<void> {
    // Another flush's failure is its own: its times are pending again, and this one writes them.
    while (this.#flushing) await this.#flushing.catch(() => {});
    if (this.#dirty.size === 0) return;
    const written = this.#dirty;
    this.#writing = written;
    this.#dirty = new Map();
    this.#flushing = (async () => {
      let ops: StoreOp[] = [];
      for (const [id, ms] of written) {
        ops.push({ type: 'put', sublevel: this.#sublevel, key: id, value: new Date(ms).toISOString() });
        if (ops.length >= FLUSH_CHUNK) {
          await this.#host.write(ops);
          ops = [];
        }
      }
      if (ops.length > 0) await this.#host.write(ops);
    })();
    try {
      await this.#flushing;
    } catch (error) {
      for (const [id, ms] of written) if (!this.#dirty.has(id)) this.#dirty.set(id, ms);
      throw error;
    } finally {
      this.#writing = new Map();
      this.#flushing = undefined;
    }
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
