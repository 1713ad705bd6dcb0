import type { StateValue } from 'xstate';

/** One thing an actor did, as the visualizer and the activity log see it. */
export interface InspectionRecord {
  seq: number;
  at: string;
  kind: string;
  id: string;
  type: 'event' | 'snapshot';
  event?: { type: string; [key: string]: unknown };
  value?: StateValue;
}

/**
 * A bounded ring buffer of inspection records from every actor of a host, with live listeners.
 * Old records fall off the end, so memory is fixed whatever the traffic.
 */
export class InspectionLog {
  readonly #capacity: number;
  readonly #records: InspectionRecord[] = [];
  #start = 0;
  #seq = 0;
  readonly #listeners = new Set<(record: InspectionRecord) => void>();
  #lastMs = -1;
  #lastIso = '';

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Appends a record (its seq and time are assigned here) and tells every listener. */
  append(record: Omit<InspectionRecord, 'seq' | 'at'>): void {
    const full: InspectionRecord = { seq: ++this.#seq, at: this.#isoNow(), ...record };
    if (this.#records.length < this.#capacity) this.#records.push(full);
    else {
      this.#records[this.#start] = full;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    for (const listener of this.#listeners) {
      try {
        listener(full);
      } catch {
        // A broken listener (e.g. a closed SSE stream) must not disturb the actor that produced the record.
      }
    }
  }

  /** The time as ISO text, formatted once per millisecond: a busy host appends several records in one. */
  #isoNow(): string {
    const ms = Date.now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastIso = new Date(ms).toISOString();
    }
    return this.#lastIso;
  }

  /** The newest `limit` records of actor `kind/id`, oldest first. */
  recent(kind: string, id: string, limit = 50): InspectionRecord[] {
    const found: InspectionRecord[] = [];
    const length = this.#records.length;
    for (let offset = length - 1; offset >= 0 && found.length < limit; offset--) {
      const record = this.#records[(this.#start + offset) % length]!;
      if (record.kind === kind && record.id === id) found.push(record);
    }
    return found.reverse();
  }

  /** Calls `listener` for every record appended from now on; returns the unsubscribe function. */
  subscribe(listener: (record: InspectionRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
