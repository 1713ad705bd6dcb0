/** Slot words: a fingerprint is two 32-bit words; (0, 0) marks an empty slot and (0, 1) a deleted one. */
const EMPTY_LO = 0;
const DELETED_LO = 1;
const INITIAL_SLOTS = 1024;
/** The first word of {@link FingerprintSet.toBytes}; another value is not read. */
const FORMAT_VERSION = 1;

/** A 64-bit fingerprint as two unsigned 32-bit words. */
export interface Fingerprint {
  hi: number;
  lo: number;
}

/**
 * The first 64 bits of a SHA-256 digest as a fingerprint, nudged off the two reserved values.
 *
 * @example fingerprintOf(createHash('sha256').update(text).digest())
 */
export function fingerprintOf(digest: Buffer): Fingerprint {
  const hi = digest.readUInt32BE(0);
  const lo = digest.readUInt32BE(4);
  return { hi, lo: hi === 0 && lo <= DELETED_LO ? lo | 2 : lo };
}

/**
 * A set of 64-bit fingerprints in one typed array (open addressing, linear probing, grown by
 * doubling at half load): 16 bytes a member at worst, and nothing for the garbage collector to trace
 * — a million members cost 16 MiB where a Map of strings would cost well over 100. Fingerprints
 * come from SHA-256, so their low word is already a uniform slot index.
 *
 * @example const set = new FingerprintSet(); set.add(fp); set.has(fp) // true
 */
export class FingerprintSet {
  #words = new Uint32Array(INITIAL_SLOTS * 2);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;
  /** Members plus deleted slots: both lengthen probes, so both count towards growing. */
  #occupied = 0;

  /** How many fingerprints are in the set. */
  get size(): number {
    return this.#size;
  }

  has({ hi, lo }: Fingerprint): boolean {
    return this.#find(hi, lo) >= 0;
  }

  /** Adds the fingerprint; adding one that is there already changes nothing. */
  add({ hi, lo }: Fingerprint): void {
    if (hi === 0 && lo <= DELETED_LO) {
      throw new TypeError(`Expected a fingerprint from fingerprintOf, got the reserved ${hi}:${lo}`);
    }
    if (this.#find(hi, lo) >= 0) return;
    const slots = this.#mask + 1;
    // At half load grow; when deleted slots make up the load, the same size is enough.
    if ((this.#occupied + 1) * 2 > slots) this.#rehash((this.#size + 1) * 4 > slots ? slots * 2 : slots);
    this.#place(hi, lo);
    this.#size++;
    this.#occupied++;
  }

  /** Removes the fingerprint; false when it was not there. */
  delete({ hi, lo }: Fingerprint): boolean {
    const slot = this.#find(hi, lo);
    if (slot < 0) return false;
    this.#words[slot * 2] = 0;
    this.#words[slot * 2 + 1] = DELETED_LO;
    this.#size--;
    return true;
  }

  /** The set as bytes (its table as is), for {@link FingerprintSet.fromBytes}. */
  toBytes(): Buffer {
    const header = Buffer.alloc(8);
    header.writeUInt32LE(FORMAT_VERSION, 0);
    header.writeUInt32LE(this.#size, 4);
    return Buffer.concat([
      header,
      Buffer.from(this.#words.buffer, this.#words.byteOffset, this.#words.byteLength),
    ]);
  }

  /**
   * The set `toBytes` wrote, or undefined for bytes of another version or shape (the caller then
   * starts empty: a fingerprint is only ever a shortcut past a store read).
   */
  static fromBytes(bytes: Buffer): FingerprintSet | undefined {
    if (bytes.length < 8 || bytes.readUInt32LE(0) !== FORMAT_VERSION) return undefined;
    const wordCount = (bytes.length - 8) / 4;
    const slots = wordCount / 2;
    if (!Number.isInteger(slots) || slots < INITIAL_SLOTS || (slots & (slots - 1)) !== 0) return undefined;
    const set = new FingerprintSet();
    set.#words = new Uint32Array(wordCount);
    Buffer.from(set.#words.buffer).set(bytes.subarray(8));
    set.#mask = slots - 1;
    set.#size = bytes.readUInt32LE(4);
    set.#occupied = set.#size;
    // Deleted slots count towards the load as well.
    for (let at = 0; at < wordCount; at += 2) {
      if (set.#words[at] === 0 && set.#words[at + 1] === DELETED_LO) set.#occupied++;
    }
    return set;
  }

  /** The slot holding the fingerprint, or -1. */
  #find(hi: number, lo: number): number {
    // The two reserved values mark free slots; they are never members (fingerprintOf avoids them).
    if (hi === 0 && lo <= DELETED_LO) return -1;
    const words = this.#words;
    for (let slot = lo & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const slotHi = words[slot * 2]!;
      const slotLo = words[slot * 2 + 1]!;
      if (slotHi === hi && slotLo === lo) return slot;
      if (slotHi === 0 && slotLo === EMPTY_LO) return -1;
    }
  }

  /** Puts a fingerprint known to be absent into the first free or deleted slot of its probe. */
  #place(hi: number, lo: number): void {
    const words = this.#words;
    let slot = lo & this.#mask;
    while (words[slot * 2] !== 0 || words[slot * 2 + 1]! > DELETED_LO) slot = (slot + 1) & this.#mask;
    if (words[slot * 2 + 1] === DELETED_LO) this.#occupied--;
    words[slot * 2] = hi;
    words[slot * 2 + 1] = lo;
  }

  /** Moves every member into a table of `slots` slots (a power of two), dropping deleted slots. */
  #rehash(slots: number): void {
    const old = this.#words;
    this.#words = new Uint32Array(slots * 2);
    this.#mask = slots - 1;
    this.#occupied = this.#size;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] !== 0 || old[at + 1]! > DELETED_LO) this.#place(old[at]!, old[at + 1]!);
    }
  }
}
