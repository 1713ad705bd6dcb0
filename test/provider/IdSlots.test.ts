import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IdSlots, isStorableId } from '../../src/provider/IdSlots.ts';

const test = suite('IdSlots');

/** A tiny deterministic random source, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('ids get slots from 0, are found again, and unknown ids are -1', () => {
  const slots = new IdSlots();
  assert.is(slots.add('m1'), 0);
  assert.is(slots.add('m2'), 1);
  assert.is(slots.find('m1'), 0);
  assert.is(slots.find('m2'), 1);
  assert.is(slots.find('m3'), -1);
  assert.is(slots.find(''), -1);
  assert.is(slots.size, 2);
  assert.is(slots.idOf(1), 'm2');
});

test('order is oldest set first; touch makes a slot the newest; a removed slot is reused', () => {
  const slots = new IdSlots();
  for (const id of ['a', 'b', 'c']) slots.add(id);
  slots.touch(slots.find('a'));
  assert.equal(
    [...slots.slots()].map((slot) => slots.idOf(slot)),
    ['b', 'c', 'a'],
  );
  assert.is(slots.idOf(slots.oldest), 'b');
  const removed = slots.find('c');
  slots.remove(removed);
  assert.is(slots.find('c'), -1);
  assert.is(slots.add('d'), removed);
  assert.equal(
    [...slots.slots()].map((slot) => slots.idOf(slot)),
    ['b', 'a', 'd'],
  );
  assert.is(slots.slotLimit, 3);
});

test('non-ASCII ids are held exactly, and ids of the same length but other bytes are told apart', () => {
  const slots = new IdSlots();
  const ids = ['überwald', 'uberwald', 'ü', 'u', '機械-7', '😀', 'a😀b', 'a😁b'];
  for (const id of ids) slots.add(id);
  for (const id of ids) assert.is(slots.idOf(slots.find(id)), id);
  assert.is(slots.find('überwalt'), -1);
  assert.is(slots.find('😁'), -1);
});

test('ids with a lone surrogate are refused', () => {
  assert.is(isStorableId('a\ud800'), false);
  assert.is(isStorableId('\udc00b'), false);
  assert.is(isStorableId('a😀'), true);
  assert.throws(() => new IdSlots().add('x\ud800'), TypeError);
});

test('against a Map, through growth, removals (backward shifts) and arena compaction', () => {
  const slots = new IdSlots();
  const model = new Map<string, number>();
  const next = random(7);
  // Long ids so that removals pass the compaction threshold; a small id space so probe runs collide.
  const idOf = (n: number) => `machine-${n}-${'x'.repeat(200)}`;
  for (let step = 0; step < 60_000; step++) {
    const id = idOf(Math.floor(next() * 8_000));
    const held = model.get(id);
    if (held !== undefined && next() < 0.5) {
      slots.remove(held);
      model.delete(id);
    } else if (held !== undefined) {
      slots.touch(held);
      model.delete(id);
      model.set(id, held);
    } else {
      model.set(id, slots.add(id));
    }
  }
  assert.is(slots.size, model.size);
  assert.is(slots.cellsInUse(), model.size);
  for (const [id, slot] of model) assert.is(slots.find(id), slot);
  for (let n = 0; n < 8_000; n++) if (!model.has(idOf(n))) assert.is(slots.find(idOf(n)), -1);
  assert.equal(
    [...slots.slots()].map((slot) => slots.idOf(slot)),
    [...model.keys()],
  );
});

test('every id has exactly one table cell, also those added as the table grew, and none after removal', () => {
  const slots = new IdSlots();
  for (let n = 0; n < 5_000; n++) slots.add(`m${n}`);
  assert.is(slots.cellsInUse(), 5_000);
  for (let n = 0; n < 5_000; n++) slots.remove(slots.find(`m${n}`));
  assert.is(slots.cellsInUse(), 0);
  assert.is(slots.find(''), -1);
  assert.is(slots.find('m1024'), -1);
});

test('reserve makes room up front, and clear forgets everything', () => {
  const slots = new IdSlots();
  slots.reserve(5_000);
  for (let n = 0; n < 5_000; n++) slots.add(`m${n}`);
  assert.is(slots.find('m4999'), 4_999);
  slots.clear();
  assert.is(slots.size, 0);
  assert.is(slots.find('m1'), -1);
  assert.is(slots.oldest, -1);
  assert.is(slots.add('m1'), 0);
});

test.run();
