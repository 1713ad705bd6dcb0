/**
 * The 64-bit FNV-1a hash of a string's UTF-8 bytes, as 16 lower-case hex digits. Pure JavaScript
 * (four 16-bit limbs, no BigInt) so the domain needs no node:crypto and stays fast; not for security.
 *
 * @example fnv1a64('foobar') // '85944171f73967e8'
 */
export function fnv1a64(text: string): string {
  const state: Limbs = [0x2325, 0x8422, 0x9ce4, 0xcbf2]; // offset basis 0xcbf29ce484222325, low limb first
  // Limbs live in locals in the ASCII loop (the common case); other code points go through `mix`.
  let h0 = state[0];
  let h1 = state[1];
  let h2 = state[2];
  let h3 = state[3];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      h0 ^= code;
      // Multiply by the prime 0x100000001b3 = 2⁴⁰ + 0x1b3: limb products stay below 2³¹, carries ripple up.
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      h3 = (h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    // A lone surrogate encodes as U+FFFD, as TextEncoder does.
    if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
    state[0] = h0;
    state[1] = h1;
    state[2] = h2;
    state[3] = h3;
    if (code < 0x800) {
      mix(state, 0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      mix(state, 0xe0 | (code >> 12));
      mix(state, 0x80 | ((code >> 6) & 0x3f));
    } else {
      mix(state, 0xf0 | (code >> 18));
      mix(state, 0x80 | ((code >> 12) & 0x3f));
      mix(state, 0x80 | ((code >> 6) & 0x3f));
    }
    mix(state, 0x80 | (code & 0x3f));
    [h0, h1, h2, h3] = state;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

type Limbs = [number, number, number, number];

/** One FNV-1a step on the limbs in place (the same arithmetic as the inlined ASCII path). */
function mix(state: Limbs, byte: number): void {
  const h0 = state[0] ^ byte;
  const t0 = h0 * 0x1b3;
  const t1 = state[1] * 0x1b3 + (t0 >>> 16);
  const t2 = state[2] * 0x1b3 + (h0 << 8) + (t1 >>> 16);
  state[3] = (state[3] * 0x1b3 + (state[1] << 8) + (t2 >>> 16)) & 0xffff;
  state[0] = t0 & 0xffff;
  state[1] = t1 & 0xffff;
  state[2] = t2 & 0xffff;
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
