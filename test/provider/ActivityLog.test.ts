import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActivityLog } from '../../src/provider/ActivityLog.ts';
import { ActorHost } from '../../src/runtime/ActorHost.ts';
import { Store } from '../../storage/Store.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('ActivityLog');

test('keys never go backwards when the clock does, so newest-first order is append order', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir, { sync: false });
  const host = new ActorHost(store, []);
  const times = [2000, 1000, 1000, 3000];
  let call = 0;
  const log = new ActivityLog(store, host, () => new Date(times[Math.min(call++, times.length - 1)]!));
  try {
    for (const n of [1, 2, 3, 4]) await log.append({ type: 'test', description: `entry ${n}` });
    const page = await log.query();
    assert.equal(
      page.entries.map((entry) => entry.description),
      ['entry 4', 'entry 3', 'entry 2', 'entry 1'],
    );
    const ids = page.entries.map((entry) => entry.id).reverse();
    assert.equal([...ids].sort(), ids);
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
});

test('a machine filter reads only that machine, newest first', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir, { sync: false });
  const host = new ActorHost(store, []);
  const log = new ActivityLog(store, host);
  try {
    for (const machineId of ['m1', 'm2', 'm1'])
      await log.append({ type: 'x', machineId, description: machineId });
    const page = await log.query({ machine: 'm1' });
    assert.equal(
      page.entries.map((entry) => entry.machineId),
      ['m1', 'm1'],
    );
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
});

test.run();
