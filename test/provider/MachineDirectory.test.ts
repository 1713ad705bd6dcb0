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

test('invalidate makes the next check-in record itself and keeps the group', () => {
  const directory = new MachineDirectory(10);
  directory.set('a', entry());
  directory.invalidate('a');
  assert.is(directory.get('a')!.recordKey, '');
  assert.is(directory.get('a')!.groupId, 'default');
});

test('a capacity below 1 is a TypeError', () => {
  assert.throws(() => new MachineDirectory(0), TypeError);
});

test.run();
