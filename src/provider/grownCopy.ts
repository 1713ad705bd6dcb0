/** The typed arrays the compact in-memory indexes keep their per-slot data in. */
type SlotArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

/**
 * A copy of `array` `length` elements long (of the same kind), with its elements at the start: how
 * the machine directory and its id table grow their per-slot arrays.
 *
 * @example this.#hash = grownCopy(this.#hash, this.#hash.length * 2)
 */
export function grownCopy<T extends SlotArray>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}
