import { grownCopy } from './grownCopy.ts';

const NONE = -1;
const INITIAL_SLOTS = 1024;
/** Arena space lost to dropped ids, past which (and past half the arena) the arena is rebuilt. */
const COMPACT_AFTER_BYTES = 1 << 20;

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `id` can be held in {@link IdSlots} (it has no lone surrogate). */
export function isStorableId(id: string): boolean {
  return !LONE_SURROGATE.test(id);
}

/**
 * String ids mapped to small slot numbers, least recently set first, kept in typed arrays: the
 * ids' UTF-8 bytes in one arena, an open-addressing hash table (linear probing, deletion by
 * backward shift) and a doubly linked list for the order. A `Map<string, number>` of a million
 * machine ids held a million strings and a table of three million cells on the V8 heap, which every
 * major GC had to mark, and which made the release-phase pauses of a million-machine provider long
 * (docs/performance.md). Here the garbage collector sees a few typed arrays.
 *
 * Slots are numbered from 0 without gaps, freed slots are reused first, so callers can keep
 * per-slot data in typed arrays of their own.
 *
 * @example const slots = new IdSlots(); const slot = slots.add('m1'); slots.find('m1') === slot
 */
export class IdSlots {
  #size = 0;
  /** Slots handed out so far (the high-water mark); below it, `#free` lists the unused ones. */
  #used = 0;
  readonly #free: number[] = [];
  /** Hash table cells: slot + 1, or 0 when empty. Its length is a power of two, at most half full. */
  #table = new Int32Array(INITIAL_SLOTS * 2);
  #hash = new Uint32Array(INITIAL_SLOTS);
  #start = new Uint32Array(INITIAL_SLOTS);
  #length = new Uint32Array(INITIAL_SLOTS);
  #older = new Int32Array(INITIAL_SLOTS);
  #newer = new Int32Array(INITIAL_SLOTS);
  #oldest = NONE;
  #newest = NONE;
  #arena = new Uint8Array(INITIAL_SLOTS * 16);
  #arenaUsed = 0;
  #arenaWasted = 0;

  /** How many ids are held. */
  get size(): number {
    return this.#size;
  }

  /** One past the highest slot number handed out: per-slot arrays of the caller need this length. */
  get slotLimit(): number {
    return this.#used;
  }

  /** The slot of `id`, or -1. */
  find(id: string): number {
    const hash = hashOf(id);
    const mask = this.#table.length - 1;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = this.#table[cell]!;
      if (entry === 0) return NONE;
      const slot = entry - 1;
      if (this.#hash[slot] === hash && this.#holds(slot, id)) return slot;
    }
  }

  /**
   * Adds `id` (not held yet) as the newest, and returns its slot. An id with a lone surrogate has no
   * exact UTF-8 form and is refused (TypeError): two such ids could otherwise share bytes.
   */
  add(id: string): number {
    if (!isStorableId(id)) throw new TypeError('Expected an id without lone surrogates');
    // Grown before the new slot is linked: the rehash walks the linked slots, and must not place it too.
    if ((this.#size + 1) * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    const slot = this.#allocate();
    const hash = hashOf(id);
    this.#hash[slot] = hash;
    this.#store(slot, id);
    this.#link(slot);
    this.#insert(slot, hash);
    this.#size++;
    return slot;
  }

  /** Makes `slot` the newest. */
  touch(slot: number): void {
    if (this.#newest === slot) return;
    this.#unlink(slot);
    this.#link(slot);
  }

  /** Removes the id of `slot`; the slot is handed out again by a later `add`. */
  remove(slot: number): void {
    const mask = this.#table.length - 1;
    let cell = this.#hash[slot]! & mask;
    while (this.#table[cell] !== slot + 1) cell = (cell + 1) & mask;
    // Backward shift: pull later entries of the probe run into the hole, so lookups need no tombstones.
    let hole = cell;
    for (let next = (hole + 1) & mask; this.#table[next] !== 0; next = (next + 1) & mask) {
      const home = this.#hash[this.#table[next]! - 1]! & mask;
      // The entry at `next` moves into the hole unless its home lies cyclically within (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        this.#table[hole] = this.#table[next]!;
        hole = next;
      }
    }
    this.#table[hole] = 0;
    this.#unlink(slot);
    this.#arenaWasted += this.#length[slot]!;
    this.#length[slot] = 0;
    this.#free.push(slot);
    this.#size--;
    if (this.#arenaWasted > COMPACT_AFTER_BYTES && this.#arenaWasted * 2 > this.#arenaUsed) this.#compact();
  }

  /** The oldest slot, or -1 when empty. */
  get oldest(): number {
    return this.#oldest;
  }

  /** The id held in `slot`. */
  idOf(slot: number): string {
    const start = this.#start[slot]!;
    return Buffer.from(this.#arena.buffer, this.#arena.byteOffset + start, this.#length[slot]!).toString();
  }

  /** Every held slot, oldest first. */
  *slots(): IterableIterator<number> {
    for (let slot = this.#oldest; slot !== NONE; slot = this.#newer[slot]!) yield slot;
  }

  /** Forgets every id. */
  clear(): void {
    this.#table.fill(0);
    this.#free.length = 0;
    this.#size = 0;
    this.#used = 0;
    this.#oldest = NONE;
    this.#newest = NONE;
    this.#arenaUsed = 0;
    this.#arenaWasted = 0;
  }

  /** Makes room for `slots` slots at once (before adding many), rather than doubling as they come. */
  reserve(slots: number): void {
    if (slots > this.#hash.length) this.#growSlots(slots);
    let cells = this.#table.length;
    while (slots * 2 > cells) cells *= 2;
    if (cells > this.#table.length) this.#rehash(cells);
  }

  #holds(slot: number, id: string): boolean {
    const length = this.#length[slot]!;
    const start = this.#start[slot]!;
    const arena = this.#arena;
    // UTF-8 takes at least one byte per UTF-16 unit, and exactly one only for ASCII: as many bytes as
    // units means the id is ASCII if it is this one, compared without encoding.
    if (length === id.length) {
      for (let i = 0; i < length; i++) {
        const code = id.charCodeAt(i);
        if (code >= 0x80 || arena[start + i] !== code) return false;
      }
      return true;
    }
    // A lone surrogate would encode as U+FFFD and could pass for an id that holds one.
    if (length < id.length || !isStorableId(id)) return false;
    const bytes = utf8.encode(id);
    if (bytes.length !== length) return false;
    for (let i = 0; i < length; i++) if (arena[start + i] !== bytes[i]) return false;
    return true;
  }

  /** Table cells in use; equal to `size` while the table is sound (for tests and diagnostics). */
  cellsInUse(): number {
    let used = 0;
    for (const cell of this.#table) if (cell !== 0) used++;
    return used;
  }

  #store(slot: number, id: string): void {
    // An id takes at most 3 bytes per UTF-16 unit.
    if (this.#arenaUsed + id.length * 3 > this.#arena.length) {
      const grown = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + id.length * 3));
      grown.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = grown;
    }
    const { written } = utf8.encodeInto(id, this.#arena.subarray(this.#arenaUsed));
    this.#start[slot] = this.#arenaUsed;
    this.#length[slot] = written;
    this.#arenaUsed += written;
  }

  #insert(slot: number, hash: number): void {
    const mask = this.#table.length - 1;
    let cell = hash & mask;
    while (this.#table[cell] !== 0) cell = (cell + 1) & mask;
    this.#table[cell] = slot + 1;
  }

  #rehash(cells: number): void {
    this.#table = new Int32Array(cells);
    for (let slot = this.#oldest; slot !== NONE; slot = this.#newer[slot]!)
      this.#insert(slot, this.#hash[slot]!);
  }

  #compact(): void {
    const arena = new Uint8Array(Math.max(INITIAL_SLOTS * 16, this.#arenaUsed - this.#arenaWasted));
    let used = 0;
    for (let slot = this.#oldest; slot !== NONE; slot = this.#newer[slot]!) {
      const start = this.#start[slot]!;
      const length = this.#length[slot]!;
      arena.set(this.#arena.subarray(start, start + length), used);
      this.#start[slot] = used;
      used += length;
    }
    this.#arena = arena;
    this.#arenaUsed = used;
    this.#arenaWasted = 0;
  }

  #link(slot: number): void {
    this.#older[slot] = this.#newest;
    this.#newer[slot] = NONE;
    if (this.#newest === NONE) this.#oldest = slot;
    else this.#newer[this.#newest] = slot;
    this.#newest = slot;
  }

  #unlink(slot: number): void {
    const older = this.#older[slot]!;
    const newer = this.#newer[slot]!;
    if (older === NONE) this.#oldest = newer;
    else this.#newer[older] = newer;
    if (newer === NONE) this.#newest = older;
    else this.#older[newer] = older;
  }

  #allocate(): number {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    const slot = this.#used++;
    if (slot >= this.#hash.length) this.#growSlots(this.#hash.length * 2);
    return slot;
  }

  #growSlots(slots: number): void {
    this.#hash = grownCopy(this.#hash, slots);
    this.#start = grownCopy(this.#start, slots);
    this.#length = grownCopy(this.#length, slots);
    this.#older = grownCopy(this.#older, slots);
    this.#newer = grownCopy(this.#newer, slots);
  }
}

/** FNV-1a over the UTF-16 units, 32 bits: spreads ids like `m123456` evenly over the table. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
