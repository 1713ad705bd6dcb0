import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../src/domain/canonicalJson.ts';

const test = suite('canonicalJson');

test('sorts object keys at every depth', () => {
  const text = canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] });
  assert.equal(Object.keys(JSON.parse(text)), ['a', 'b']);
  assert.is(text, JSON.stringify({ a: [2, { c: 4, d: 3 }], b: 1 }));
});

test('gives equal text for equal values built in any key order', () => {
  assert.is(
    canonicalJson({ x: { p: 1, q: [1, 2] }, y: 'z' }),
    canonicalJson({ y: 'z', x: { q: [1, 2], p: 1 } }),
  );
});

test('keeps array order', () => {
  assert.is.not(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('drops undefined properties and writes undefined array items as null, like JSON.stringify', () => {
  const value = { a: undefined, b: [undefined, 1], c: 'x' };
  assert.is(canonicalJson(value), JSON.stringify(value));
  assert.is(canonicalJson(undefined), 'null');
});

test('honours toJSON, so dates become ISO strings', () => {
  const at = new Date(Date.UTC(2024, 0, 2));
  assert.is(canonicalJson({ at }), JSON.stringify({ at }));
});

test('throws TypeError on a cycle and on a bigint', () => {
  const looped: Record<string, unknown> = {};
  looped.self = looped;
  assert.throws(() => canonicalJson(looped), TypeError);
  assert.throws(() => canonicalJson({ n: 1n }), TypeError);
});

test('accepts the same object twice when it is not a cycle', () => {
  const shared = { k: 1 };
  assert.is(canonicalJson([shared, shared]), JSON.stringify([shared, shared]));
});

test.run();
