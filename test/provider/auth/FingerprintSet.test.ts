import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Fingerprint,
  FingerprintSet,
  fingerprintOf,
} from '../../../src/provider/auth/FingerprintSet.ts';

const test = suite('FingerprintSet');
const fp = (text: string): Fingerprint => fingerprintOf(createHash('sha256').update(text).digest());

test('add, has and delete', () => {
  const set = new FingerprintSet();
  set.add(fp('a'));
  set.add(fp('a'));
  assert.is(set.size, 1);
  assert.ok(set.has(fp('a')));
  assert.not.ok(set.has(fp('b')));
  assert.ok(set.delete(fp('a')));
  assert.not.ok(set.delete(fp('a')));
  assert.not.ok(set.has(fp('a')));
  assert.is(set.size, 0);
});

test('fingerprints equal to the reserved empty and deleted words are nudged off them', () => {
  const zero = Buffer.alloc(32);
  assert.equal(fingerprintOf(zero), { hi: 0, lo: 2 });
  const one = Buffer.alloc(32);
  one.writeUInt32BE(1, 4);
  assert.equal(fingerprintOf(one), { hi: 0, lo: 3 });
  const set = new FingerprintSet();
  set.add(fingerprintOf(zero));
  assert.ok(set.has({ hi: 0, lo: 2 }));
  assert.not.ok(set.has({ hi: 0, lo: 0 }));
  assert.not.ok(set.has({ hi: 0, lo: 1 }));
  assert.not.ok(set.delete({ hi: 0, lo: 0 }));
  assert.throws(() => set.add({ hi: 0, lo: 1 }), TypeError);
  assert.is(set.size, 1);
});

test('a hundred thousand members survive growing, and deletes leave the others findable', () => {
  const set = new FingerprintSet();
  for (let n = 0; n < 100_000; n++) set.add(fp(`m${n}`));
  for (let n = 0; n < 100_000; n += 2) set.delete(fp(`m${n}`));
  assert.is(set.size, 50_000);
  for (let n = 0; n < 100_000; n++) assert.is(set.has(fp(`m${n}`)), n % 2 === 1, `m${n}`);
});

test('behaves as a Set under any sequence of adds and deletes, colliding slots included', () => {
  // Few distinct low words, so that probes collide and deleted slots sit inside probe runs.
  const member = fc.record({ hi: fc.integer({ min: 1, max: 40 }), lo: fc.integer({ min: 2, max: 9 }) });
  const step = fc.record({ add: fc.boolean(), member });
  fc.assert(
    fc.property(fc.array(step, { maxLength: 3000 }), (steps) => {
      const set = new FingerprintSet();
      const model = new Set<string>();
      for (const { add, member: m } of steps) {
        const key = `${m.hi}:${m.lo}`;
        if (add) {
          set.add(m);
          model.add(key);
        } else assert.is(set.delete(m), model.delete(key));
        assert.is(set.size, model.size);
      }
      for (let hi = 1; hi <= 40; hi++) {
        for (let lo = 2; lo <= 9; lo++) assert.is(set.has({ hi, lo }), model.has(`${hi}:${lo}`));
      }
    }),
    { numRuns: 200 },
  );
});

test.run();
