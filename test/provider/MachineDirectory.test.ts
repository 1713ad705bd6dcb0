import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type DirectoryEntry, MachineDirectory } from '../../src/provider/MachineDirectory.ts';

const test = suite('MachineDirectory');
const entry = (): DirectoryEntry => ({
  groupId: 'default',
  recordKey: 'r',
  planKey: 'k',
  planEtag: 'e',
  lastContact: 0,
});

test('past capacity the least recently set entry is dropped', () => {
  const directory = new MachineDirectory(2);
  directory.set('a', entry());
  directory.set('b', entry());
  directory.set('a', entry());
  directory.set('c', entry());
  assert.is(directory.get('b'), undefined);
  assert.ok(directory.get('a'));
  assert.ok(directory.get('c'));
  assert.is(directory.size, 2);
});

test('an id with a lone surrogate is not kept, and ids with any other characters are', () => {
  const directory = new MachineDirectory(10);
  directory.set('pc-\ud800', entry());
  assert.is(directory.get('pc-\ud800'), undefined);
  assert.is(directory.size, 0);
  directory.set('pc-überwald-😀', entry());
  assert.equal(directory.get('pc-überwald-😀'), entry());
});

test('invalidate makes the next check-in record itself and keeps the group', () => {
  const directory = new MachineDirectory(10);
  directory.set('a', entry());
  directory.invalidate('a');
  assert.is(directory.get('a')!.recordKey, '');
  assert.is(directory.get('a')!.groupId, 'default');
});

test('hash-shaped keys come back exactly as set', () => {
  const directory = new MachineDirectory(10);
  const stored: DirectoryEntry = {
    groupId: 'lab',
    recordKey: '00f1e2d3c4b5a6978877665544332211',
    planKey: '0123456789abcdef',
    planEtag: 'p-fedcba9876543210',
    lastContact: 1_795_536_903_057,
  };
  directory.set('m1', stored);
  assert.equal(directory.get('m1'), stored);
});

test('touch moves the plan key and last contact of an entry, and nothing else', () => {
  const directory = new MachineDirectory(10);
  directory.set('a', entry());
  directory.touch('a', '1111222233334444', 42);
  assert.equal(directory.get('a'), { ...entry(), planKey: '1111222233334444', lastContact: 42 });
});

test('moveTo changes the group and makes the next check-in record itself', () => {
  const directory = new MachineDirectory(10);
  directory.set('a', entry());
  directory.moveTo('a', 'lab');
  assert.is(directory.get('a')!.groupId, 'lab');
  assert.is(directory.get('a')!.recordKey, '');
});

test('a slot freed past capacity is reused without the keys of the entry it held', () => {
  const directory = new MachineDirectory(1);
  directory.set('a', entry());
  directory.set('b', { ...entry(), recordKey: '', planKey: '', planEtag: '' });
  assert.equal(directory.get('b'), { ...entry(), recordKey: '', planKey: '', planEtag: '' });
});

const hashed = (n: number): DirectoryEntry => ({
  groupId: n % 2 === 0 ? 'default' : 'lab',
  recordKey: `${String(n).padStart(16, '0')}${'ab'.repeat(8)}`,
  planKey: '0123456789abcdef',
  planEtag: `p-${String(n).padStart(16, '0')}`,
  lastContact: 1_795_536_903_057 + n,
});

test('load restores what serialize wrote, without plan keys', async () => {
  const directory = new MachineDirectory(10);
  for (let n = 0; n < 5; n++) directory.set(`m${n}`, hashed(n));
  const restored = new MachineDirectory(10);
  assert.is(await restored.load(directory.serialize(), 2), 5);
  for (let n = 0; n < 5; n++) assert.equal(restored.get(`m${n}`), { ...hashed(n), planKey: '' });
});

test('load keeps entries set since the start and stops at capacity', async () => {
  const directory = new MachineDirectory(10);
  for (let n = 0; n < 5; n++) directory.set(`m${n}`, hashed(n));
  const restored = new MachineDirectory(3);
  restored.set('m0', hashed(7));
  assert.is(await restored.load(directory.serialize()), 2);
  assert.equal(restored.get('m0'), hashed(7));
  assert.is(restored.size, 3);
});

test('load of more entries than the initial slots grows once, and later sets still fit', async () => {
  const count = 5_000;
  const directory = new MachineDirectory(count + 10);
  for (let n = 0; n < count; n++) directory.set(`m${n}`, hashed(n));
  const restored = new MachineDirectory(count + 10);
  restored.set('early', hashed(1));
  assert.is(await restored.load(directory.serialize()), count);
  for (const n of [0, 1023, 1024, 2047, count - 1]) {
    assert.equal(restored.get(`m${n}`), { ...hashed(n), planKey: '' });
  }
  for (let n = 0; n < 9; n++) restored.set(`late${n}`, hashed(n));
  assert.is(restored.size, count + 10);
  assert.equal(restored.get('late8'), hashed(8));
  assert.equal(restored.get('early'), hashed(1));
});

test('a capacity below 1 is a TypeError', () => {
  assert.throws(() => new MachineDirectory(0), TypeError);
});

test.run();
