import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fnv1a64 } from '../../src/domain/fnv1a64.ts';

const test = suite('fnv1a64');

/** The textbook definition over TextEncoder bytes with BigInt, to check the limb arithmetic against. */
function reference(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

test('matches the published FNV-1a 64 test vectors', () => {
  assert.is(fnv1a64(''), 'cbf29ce484222325');
  assert.is(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.is(fnv1a64('foobar'), '85944171f73967e8');
});

test('hashes the UTF-8 bytes of non-ASCII text, surrogate pairs included', () => {
  for (const text of ['é', 'Ünïcödé', '版本', '🚀 rocket', 'a\u{10ffff}b', '\u07ff\u0800\uffff']) {
    assert.is(fnv1a64(text), reference(text), text);
  }
});

test('hashes a lone surrogate as U+FFFD, as TextEncoder does', () => {
  assert.is(fnv1a64('x\ud800y'), reference('x\ud800y'));
  assert.is(fnv1a64('\udc00'), reference('\udc00'));
});

test('agrees with the reference on random strings', () => {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  for (let round = 0; round < 200; round++) {
    const length = next() % 40;
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(next() % 0x10000);
    assert.is(fnv1a64(text), reference(text));
  }
});

test.run();
