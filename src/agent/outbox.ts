import type { Store, StoreOp } from '../../storage/Store.ts';
import type { AgentEvent } from '../domain/agentEvent.ts';

/** One event waiting in the outbox: its delivery sequence number, time and the machine's event. */
export interface OutboxEntry extends AgentEvent {
  /** Increases by one per event, never reused: the order of delivery and the idempotency key. */
  seq: number;
  at: string;
}

/** Called with every event as it is written (for the local SSE stream). */
export type OutboxListener = (entry: OutboxEntry) => void;

const ROWS = 'outbox';
const META = 'outboxMeta';
const SEQ_KEY = 'lastSeq';

/**
 * The agent's on-disk event outbox (`outbox` sublevel, keys are zero-padded sequence numbers, so
 * key order is report order). Machines' report actions `stage` events; the actor host's `project`
 * hook turns them into puts with {@link opsFor}, committed in the SAME batch as the snapshot that
 * reported them — an event is on disk exactly when the state change that caused it is. The
 * reporter reads rows in order and deletes them only after a provider accepted them (202).
 *
 * @example const outbox = await Outbox.open(store); outbox.stage('download/u1', event); host.write(outbox.opsFor('download/u1'))
 */
export class Outbox {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #staged = new Map<string, AgentEvent[]>();
  readonly #listeners = new Set<OutboxListener>();
  #lastSeq: number;
  #fresh = false;

  private constructor(store: Store, lastSeq: number, now: () => number) {
    this.#store = store;
    this.#lastSeq = lastSeq;
    this.#now = now;
  }

  /** Opens the outbox of `store`, continuing the sequence where it stopped. */
  static async open(store: Store, now: () => number = Date.now): Promise<Outbox> {
    const meta = store.sublevel(META);
    const stored = await meta.get(SEQ_KEY);
    return new Outbox(store, typeof stored === 'number' ? stored : 0, now);
  }

  /** The last sequence number handed out. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Buffers an event reported by actor `source` (`kind/id`) until its snapshot is committed. */
  stage(source: string, event: AgentEvent): void {
    const list = this.#staged.get(source);
    if (list) list.push(event);
    else this.#staged.set(source, [event]);
  }

  /** True when `source` has staged events not yet turned into writes. */
  hasStaged(source: string): boolean {
    return this.#staged.has(source);
  }

  /**
   * The writes for the events `source` staged: one row each with the next sequence numbers, plus
   * the new last sequence number. Empty when nothing is staged. Listeners hear of the events now.
   */
  opsFor(source: string): StoreOp[] {
    const events = this.#staged.get(source);
    if (!events) return [];
    this.#staged.delete(source);
    const rows = this.#store.sublevel(ROWS);
    const at = new Date(this.#now()).toISOString();
    const ops: StoreOp[] = [];
    for (const event of events) {
      this.#lastSeq += 1;
      const entry: OutboxEntry = { seq: this.#lastSeq, at, ...event };
      ops.push({ type: 'put', sublevel: rows, key: seqKey(entry.seq), value: entry });
      for (const listener of this.#listeners) {
        try {
          listener(entry);
        } catch {
          // A listener's fault (a closed SSE client) must not stop the commit.
        }
      }
    }
    ops.push({ type: 'put', sublevel: this.#store.sublevel(META), key: SEQ_KEY, value: this.#lastSeq });
    this.#fresh = true;
    return ops;
  }

  /** True (once) when events were written since the last call: the reporter has news. */
  takeFresh(): boolean {
    const fresh = this.#fresh;
    this.#fresh = false;
    return fresh;
  }

  /** The oldest `limit` undelivered events, in order. */
  async read(limit: number): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    for await (const value of this.#store.sublevel(ROWS).values({ limit }) as AsyncIterable<OutboxEntry>) {
      entries.push(value);
    }
    return entries;
  }

  /** How many events wait for delivery. */
  async size(): Promise<number> {
    let count = 0;
    for await (const _key of this.#store.sublevel(ROWS).keys() as AsyncIterable<string>) count += 1;
    return count;
  }

  /** The writes that drop delivered events. */
  deleteOps(entries: OutboxEntry[]): StoreOp[] {
    const rows = this.#store.sublevel(ROWS);
    return entries.map((entry) => ({ type: 'del', sublevel: rows, key: seqKey(entry.seq) }));
  }

  /** Hears every event as it is written; returns the unsubscribe function. */
  subscribe(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function seqKey(seq: number): string {
  return seq.toString().padStart(16, '0');
}
