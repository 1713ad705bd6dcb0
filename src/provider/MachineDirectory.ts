/**
 * What the check-in remembers about one machine between check-ins, so an unchanged check-in is
 * answered from memory: the group, hashes of what was last recorded and of the plan inputs, the
 * plan's etag, and the exact last contact.
 */
export interface DirectoryEntry {
  groupId: string;
  /** Hash of the report last recorded in the actor; '' forces the next check-in to be recorded. */
  recordKey: string;
  /** The inputs of the last plan: catalog generation, group version, config version, inventory hash. */
  planKey: string;
  planEtag: string;
  /** Epoch ms of the last check-in (memory is exact; the store lags by the flush interval). */
  lastContact: number;
}

/**
 * A bounded map of directory entries in least-recently-used order. A miss is not an error: the
 * check-in rebuilds the entry from the machine's snapshot and records the check-in.
 *
 * @example directory.set('m1', entry); directory.get('m1')?.planEtag
 */
export class MachineDirectory {
  readonly #entries = new Map<string, DirectoryEntry>();
  readonly #capacity: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new TypeError(`Expected \`capacity\` to be a positive integer, got \`${capacity}\``);
    }
    this.#capacity = capacity;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of `id`, or undefined. Does not reorder: check-ins call `set` when they record. */
  get(id: string): DirectoryEntry | undefined {
    return this.#entries.get(id);
  }

  /** Stores the entry of `id` as the most recently used, dropping the least recently used past capacity. */
  set(id: string, entry: DirectoryEntry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Makes the next check-in of `id` record itself (after an event, a move or any outside change). */
  invalidate(id: string): void {
    const entry = this.#entries.get(id);
    if (entry) entry.recordKey = '';
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
