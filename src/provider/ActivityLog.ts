import type { JsonSublevel, Store, StoreOp } from '../../storage/Store.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';

/**
 * One line of the activity log (the manual's Activity page): when (provider clock), what, on which
 * machine and update, and a description. `reportedAt` is the agent's own time for agent events.
 *
 * @example { id: '2026-01-01T03:00:00.000Z#000000', at: '…', type: 'install.failed', machineId: 'm1', updateId: 'u7', application: 'Client', description: 'install failed: exit code 1603' }
 */
export interface ActivityEntry {
  id: string;
  at: string;
  type: string;
  description: string;
  machineId?: string;
  machineName?: string;
  updateId?: string;
  application?: string;
  release?: string;
  patch?: string;
  version?: string;
  groupId?: string;
  reportedAt?: string;
  detail?: string;
  /** For admin changes: each changed field with its old and new value. */
  changes?: Record<string, { from: unknown; to: unknown }>;
}

/** Filters of `GET /api/v1/activity`. `type` ending in `*` matches a prefix (`install.*`). */
export interface ActivityQuery {
  machine?: string;
  application?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** One page of the log, newest first; `nextCursor` continues after the last entry. */
export interface ActivityPage {
  entries: ActivityEntry[];
  nextCursor?: string;
}

const BY_MACHINE_SEPARATOR = '\u0000';
// A query with a narrow filter stops after this many entries and hands back a cursor, so one request
// never walks a million-line log.
const MAX_SCAN = 50_000;

/**
 * The activity log: an `activity` sublevel keyed by provider time plus a counter (`<ISO time>#<n>`),
 * so key order is time order and a reverse scan is newest first; plus `activityByMachine` (keyed
 * `<machineId>\0<key>`) so one machine's history is read without scanning everyone's. Entries are
 * written as ops, usually in the same batch as the state change they describe.
 *
 * @example await host.write(activity.entryOps({ type: 'group.created', groupId: 'north', description: 'group North created' }))
 */
export class ActivityLog {
  readonly #host: ActorHost;
  readonly #entries: JsonSublevel;
  readonly #byMachine: JsonSublevel;
  readonly #now: () => Date;
  #lastMs = 0;
  #sequence = 0;

  constructor(store: Store, host: ActorHost, now: () => Date = () => new Date()) {
    this.#host = host;
    this.#entries = store.sublevel('activity');
    this.#byMachine = store.sublevel('activityByMachine');
    this.#now = now;
  }

  /** The ops that append one entry (stamped now, with a fresh time-ordered key). */
  entryOps(fields: Omit<ActivityEntry, 'id' | 'at'>): StoreOp[] {
    const { id, at } = this.#nextKey();
    const entry: ActivityEntry = { id, at, ...fields };
    const ops: StoreOp[] = [{ type: 'put', sublevel: this.#entries, key: id, value: entry }];
    if (fields.machineId !== undefined) {
      ops.push({
        type: 'put',
        sublevel: this.#byMachine,
        key: `${fields.machineId}${BY_MACHINE_SEPARATOR}${id}`,
        value: id,
      });
    }
    return ops;
  }

  /** Appends one entry on its own (through the host's group commit). */
  append(fields: Omit<ActivityEntry, 'id' | 'at'>): Promise<void> {
    return this.#host.write(this.entryOps(fields));
  }

  /** Entries matching `query`, newest first, at most `limit` (default 100, most 1000). */
  async query(query: ActivityQuery = {}): Promise<ActivityPage> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const range: Record<string, unknown> = { reverse: true };
    // `until` is inclusive: every key at that millisecond sorts below `<until>#~`.
    let upper = query.until === undefined ? undefined : `${query.until}#~`;
    if (query.cursor !== undefined && (upper === undefined || query.cursor < upper)) upper = query.cursor;
    const lower = query.since;
    const entries: ActivityEntry[] = [];
    let scanned = 0;
    let lastKey: string | undefined;
    const matches = (entry: ActivityEntry) =>
      (query.application === undefined || entry.application === query.application) &&
      (query.type === undefined || typeMatches(entry.type, query.type)) &&
      (query.machine === undefined || entry.machineId === query.machine);
    if (query.machine !== undefined) {
      const prefix = `${query.machine}${BY_MACHINE_SEPARATOR}`;
      range.gte = lower === undefined ? prefix : `${prefix}${lower}`;
      range.lt = upper === undefined ? `${prefix}\uffff` : `${prefix}${upper}`;
      for await (const [, id] of this.#byMachine.iterator(range as never) as AsyncIterable<
        [string, string]
      >) {
        scanned++;
        lastKey = id;
        const entry = (await this.#entries.get(id)) as ActivityEntry | undefined;
        if (entry && matches(entry)) entries.push(entry);
        if (entries.length >= limit || scanned >= MAX_SCAN) break;
      }
    } else {
      if (lower !== undefined) range.gte = lower;
      if (upper !== undefined) range.lt = upper;
      for await (const [key, value] of this.#entries.iterator(range as never) as AsyncIterable<
        [string, ActivityEntry]
      >) {
        scanned++;
        lastKey = key;
        if (matches(value)) entries.push(value);
        if (entries.length >= limit || scanned >= MAX_SCAN) break;
      }
    }
    const full = entries.length >= limit || scanned >= MAX_SCAN;
    return full && lastKey !== undefined ? { entries, nextCursor: lastKey } : { entries };
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    await this.#host.flush();
    await this.#entries.clear();
    await this.#byMachine.clear();
  }

  #nextKey(): { id: string; at: string } {
    // Keys must never go backwards, even if the wall clock does.
    const ms = Math.max(this.#now().getTime(), this.#lastMs);
    if (ms === this.#lastMs) this.#sequence++;
    else this.#sequence = 0;
    this.#lastMs = ms;
    const at = new Date(ms).toISOString();
    return { id: `${at}#${this.#sequence.toString().padStart(6, '0')}`, at };
  }
}

function typeMatches(type: string, filter: string): boolean {
  return filter.endsWith('*') ? type.startsWith(filter.slice(0, -1)) : type === filter;
}
