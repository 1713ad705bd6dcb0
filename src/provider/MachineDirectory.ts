import { grownCopy } from './grownCopy.ts';
import { IdSlots, isStorableId } from './IdSlots.ts';

/**
 * What the check-in remembers about one machine between check-ins, so an unchanged check-in is
 * answered from memory: the group, hashes of what was last recorded and of the plan inputs, the
 * plan's etag, and the exact last contact.
 */
export interface DirectoryEntry {
  groupId: string;
  /** Hash of the report last recorded in the actor; '' forces the next check-in to be recorded. */
  recordKey: string;
  /** Hash of the inputs of the last plan (catalog generation, group and config versions, inventory hash). */
  planKey: string;
  planEtag: string;
  /** Epoch ms of the last check-in (memory is exact; the store lags by the flush interval). */
  lastContact: number;
}

const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const ETAG = /^p-[0-9a-f]{16}$/;

/** Flags of a slot: which fields hold their compact (hex) form; a field without its flag is '' or in `#odd`. */
const RECORD = 1;
const PLAN = 2;
const ETAG_FLAG = 4;
/** A field that is neither '' nor of the usual shape, kept as a string in `#odd`. */
const ODD = 8;

const INITIAL_SLOTS = 1024;

/**
 * A bounded map of directory entries in least-recently-used order. A miss is not an error: the
 * check-in rebuilds the entry from the machine's snapshot and records the check-in.
 *
 * Compact, because it holds every machine of the fleet (a million by default): the id maps to a slot
 * number, and a slot is a few typed-array cells — the hashes as 32-bit words (recordKey 128 bits,
 * planKey and the etag 64 bits each), the last contact as a float, the group as an interned index.
 * That is about 45 bytes a machine plus the id, and no per-machine object for the garbage collector
 * to trace: the ids themselves are bytes in {@link IdSlots}, which also keeps the order. Keys of
 * another shape (tests, future formats) still work, kept as strings on the side.
 *
 * @example directory.set('m1', entry); directory.get('m1')?.planEtag
 */
export class MachineDirectory {
  readonly #ids = new IdSlots();
  readonly #capacity: number;
  #record = new Uint32Array(INITIAL_SLOTS * 4);
  #plan = new Uint32Array(INITIAL_SLOTS * 2);
  #etag = new Uint32Array(INITIAL_SLOTS * 2);
  #contact = new Float64Array(INITIAL_SLOTS);
  #group = new Uint32Array(INITIAL_SLOTS);
  #flags = new Uint8Array(INITIAL_SLOTS);
  readonly #groups: string[] = [];
  readonly #groupIndex = new Map<string, number>();
  /** Fields of unusual shape: slot → [recordKey, planKey, planEtag]. */
  readonly #odd = new Map<number, [string, string, string]>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new TypeError(`Expected \`capacity\` to be a positive integer, got \`${capacity}\``);
    }
    this.#capacity = capacity;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#ids.size;
  }

  /** The entry of `id` (a copy: change it through set, touch, invalidate or moveTo), or undefined. Does not reorder. */
  get(id: string): DirectoryEntry | undefined {
    const slot = this.#ids.find(id);
    if (slot < 0) return undefined;
    const flags = this.#flags[slot]!;
    const odd = flags & ODD ? this.#odd.get(slot) : undefined;
    return {
      groupId: this.#groups[this.#group[slot]!]!,
      recordKey: flags & RECORD ? hex(this.#record, slot * 4, 4) : (odd?.[0] ?? ''),
      planKey: flags & PLAN ? hex(this.#plan, slot * 2, 2) : (odd?.[1] ?? ''),
      planEtag: flags & ETAG_FLAG ? `p-${hex(this.#etag, slot * 2, 2)}` : (odd?.[2] ?? ''),
      lastContact: this.#contact[slot]!,
    };
  }

  /**
   * Stores the entry of `id` as the most recently used, dropping the least recently used past
   * capacity. An id with a lone surrogate is not kept (its check-ins read the snapshot instead).
   */
  set(id: string, entry: DirectoryEntry): void {
    let slot = this.#ids.find(id);
    if (slot >= 0) this.#ids.touch(slot);
    else if (isStorableId(id)) slot = this.#add(id);
    else return;
    this.#group[slot] = this.#internGroup(entry.groupId);
    this.#contact[slot] = entry.lastContact;
    this.#flags[slot] = 0;
    this.#odd.delete(slot);
    this.#setRecordKey(slot, entry.recordKey);
    this.#setPlanKey(slot, entry.planKey);
    const etag = entry.planEtag;
    if (ETAG.test(etag)) {
      words(etag, 2, this.#etag, slot * 2);
      this.#flags[slot]! |= ETAG_FLAG;
    } else if (etag !== '') this.#oddOf(slot)[2] = etag;
    if (this.#ids.size > this.#capacity) this.#drop(this.#ids.oldest);
  }

  /** An unchanged check-in of `id`: its plan inputs and last contact move on, nothing else. */
  touch(id: string, planKey: string, lastContact: number): void {
    const slot = this.#ids.find(id);
    if (slot < 0) return;
    this.#setPlanKey(slot, planKey);
    this.#contact[slot] = lastContact;
  }

  /** Makes the next check-in of `id` record itself (after an event, a move or any outside change). */
  invalidate(id: string): void {
    const slot = this.#ids.find(id);
    if (slot >= 0) this.#setRecordKey(slot, '');
  }

  /** `id` moved to group `groupId`: remembered, and its next check-in records itself. */
  moveTo(id: string, groupId: string): void {
    const slot = this.#ids.find(id);
    if (slot < 0) return;
    this.#group[slot] = this.#internGroup(groupId);
    this.#setRecordKey(slot, '');
  }

  /**
   * The entries as bytes, least recently used first, for `load` after a restart. Plan keys are left
   * out (they name a catalog generation of this process), and so are entries with keys of unusual
   * shape; both only cost a recomputation or a snapshot read at the next check-in.
   */
  serialize(): Buffer {
    const ids: string[] = [];
    const slots: number[] = [];
    for (const slot of this.#ids.slots()) {
      const id = this.#ids.idOf(slot);
      if (this.#flags[slot]! & ODD || id.includes('\n')) continue;
      ids.push(id);
      slots.push(slot);
    }
    const count = ids.length;
    const contact = new Float64Array(count);
    const record = new Uint32Array(count * 4);
    const etag = new Uint32Array(count * 2);
    const group = new Uint32Array(count);
    const flags = new Uint8Array(count);
    slots.forEach((slot, i) => {
      contact[i] = this.#contact[slot]!;
      record.set(this.#record.subarray(slot * 4, slot * 4 + 4), i * 4);
      etag.set(this.#etag.subarray(slot * 2, slot * 2 + 2), i * 2);
      group[i] = this.#group[slot]!;
      flags[i] = this.#flags[slot]! & (RECORD | ETAG_FLAG);
    });
    const idBytes = Buffer.from(ids.join('\n'));
    const header = Buffer.from(
      `${JSON.stringify({ version: 1, count, groups: this.#groups, idBytes: idBytes.length })}\n`,
    );
    return Buffer.concat([header, idBytes, ...[contact, record, etag, group, flags].map(bytesOf)]);
  }

  /**
   * Adds the entries of `bytes` (from `serialize`) that are not here yet — a check-in since the start
   * is newer — up to capacity, `chunk` at a time with a pause between, so check-ins go on meanwhile.
   * Resolves with how many were added.
   */
  async load(bytes: Buffer, chunk = 5_000): Promise<number> {
    const newline = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, newline).toString()) as {
      version: number;
      count: number;
      groups: string[];
      idBytes: number;
    };
    if (header.version !== 1) return 0;
    const { count } = header;
    let at = newline + 1;
    const ids =
      count === 0
        ? []
        : bytes
            .subarray(at, at + header.idBytes)
            .toString()
            .split('\n');
    at += header.idBytes;
    const take = <T>(make: (buffer: ArrayBuffer) => T, size: number): T => {
      const copy = new Uint8Array(size);
      copy.set(bytes.subarray(at, at + size));
      at += size;
      return make(copy.buffer);
    };
    const contact = take((b) => new Float64Array(b), count * 8);
    const record = take((b) => new Uint32Array(b), count * 16);
    const etag = take((b) => new Uint32Array(b), count * 8);
    const group = take((b) => new Uint32Array(b), count * 4);
    const flags = take((b) => new Uint8Array(b), count);
    const groups = header.groups.map((id) => this.#internGroup(id));
    // Grow once for the whole dump rather than doubling (and copying) as entries arrive.
    // Slots run to `capacity` (one past the bound while set() drops the oldest).
    const wanted = Math.min(this.#capacity + 1, this.#ids.size + count);
    this.#ids.reserve(wanted);
    if (wanted > this.#contact.length) this.#grow(wanted);
    let added = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % chunk === 0) await new Promise((resolve) => setImmediate(resolve));
      const id = ids[i]!;
      if (this.#ids.size >= this.#capacity) break;
      if (!isStorableId(id) || this.#ids.find(id) >= 0) continue;
      const slot = this.#add(id);
      this.#contact[slot] = contact[i]!;
      // Word by word: a subarray per entry would be two million short-lived objects for the GC.
      for (let w = 0; w < 4; w++) this.#record[slot * 4 + w] = record[i * 4 + w]!;
      this.#etag[slot * 2] = etag[i * 2]!;
      this.#etag[slot * 2 + 1] = etag[i * 2 + 1]!;
      this.#group[slot] = groups[group[i]!]!;
      this.#flags[slot] = flags[i]!;
      this.#odd.delete(slot);
      added++;
    }
    return added;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#ids.clear();
    this.#odd.clear();
  }

  #setRecordKey(slot: number, key: string): void {
    this.#flags[slot]! &= ~RECORD;
    if (HEX32.test(key)) {
      words(key, 4, this.#record, slot * 4);
      this.#flags[slot]! |= RECORD;
    } else if (key !== '' || this.#flags[slot]! & ODD) this.#oddOf(slot)[0] = key;
  }

  #setPlanKey(slot: number, key: string): void {
    this.#flags[slot]! &= ~PLAN;
    if (HEX16.test(key)) {
      words(key, 2, this.#plan, slot * 2);
      this.#flags[slot]! |= PLAN;
    } else if (key !== '' || this.#flags[slot]! & ODD) this.#oddOf(slot)[1] = key;
  }

  #oddOf(slot: number): [string, string, string] {
    let odd = this.#odd.get(slot);
    if (odd === undefined) {
      odd = ['', '', ''];
      this.#odd.set(slot, odd);
      this.#flags[slot]! |= ODD;
    }
    return odd;
  }

  #drop(slot: number): void {
    this.#ids.remove(slot);
    this.#odd.delete(slot);
  }

  /** A slot for a new id, with room for it in every per-slot array. */
  #add(id: string): number {
    const slot = this.#ids.add(id);
    if (slot >= this.#contact.length) this.#grow(Math.min(this.#capacity + 1, this.#contact.length * 2));
    return slot;
  }

  #grow(slots: number): void {
    this.#record = grownCopy(this.#record, slots * 4);
    this.#plan = grownCopy(this.#plan, slots * 2);
    this.#etag = grownCopy(this.#etag, slots * 2);
    this.#contact = grownCopy(this.#contact, slots);
    this.#group = grownCopy(this.#group, slots);
    this.#flags = grownCopy(this.#flags, slots);
  }

  #internGroup(groupId: string): number {
    let index = this.#groupIndex.get(groupId);
    if (index === undefined) {
      index = this.#groups.length;
      this.#groups.push(groupId);
      this.#groupIndex.set(groupId, index);
    }
    return index;
  }
}

function bytesOf(array: Float64Array | Uint32Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes the `count` 32-bit words of the hex digits of `text` (after any `p-`) into `into` at `at`. */
function words(text: string, count: number, into: Uint32Array, at: number): void {
  const start = text.length - count * 8;
  for (let i = 0; i < count; i++) {
    into[at + i] = Number.parseInt(text.slice(start + i * 8, start + i * 8 + 8), 16);
  }
}

/** Two hex digits per byte value: every unchanged check-in turns 8 words back into hex. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The hex digits of `count` words of `from` at `at`. */
function hex(from: Uint32Array, at: number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const word = from[at + i]!;
    text +=
      BYTE_HEX[word >>> 24]! +
      BYTE_HEX[(word >>> 16) & 255]! +
      BYTE_HEX[(word >>> 8) & 255]! +
      BYTE_HEX[word & 255]!;
  }
  return text;
}
