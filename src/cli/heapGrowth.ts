import { setFlagsFromString } from 'node:v8';
import { type GivenNodeFlags, givenNodeFlags, nodeFlagGiven } from './nodeFlagGiven.ts';

/** The heap growth the provider runs with unless told otherwise: V8 lets the heap reach 1.5× what a major GC left live. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

const FLAG = '--heap-growing-percent';

/**
 * Makes V8 grow the heap by at most `percent` over the live set after each major GC, instead of its
 * own factor of up to 4× under a high allocation rate. A busy provider allocates fast, and with V8's
 * factor a million-machine provider with ~200 MiB live held a 770 MiB heap (docs/performance.md).
 * Unlike --max-old-space-size this is no cap: a bigger live set still gets its room, at the price of
 * more frequent major GCs. The flag is read at every GC, so setting it after start takes effect.
 *
 * An operator's own `--heap-growing-percent` (node flag or NODE_OPTIONS) wins; `percent` 0 leaves
 * V8's default. Returns whether the flag was set here.
 */
export function limitHeapGrowth(percent: number, given: GivenNodeFlags = givenNodeFlags()): boolean {
  if (!Number.isSafeInteger(percent) || percent < 0) {
    throw new TypeError(`Expected \`percent\` to be a non-negative integer, got \`${percent}\``);
  }
  if (percent === 0 || nodeFlagGiven(FLAG, given)) return false;
  setFlagsFromString(`${FLAG}=${percent}`);
  return true;
}
