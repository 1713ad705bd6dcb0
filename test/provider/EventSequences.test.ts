import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EventSequences } from '../../src/provider/EventSequences.ts';
import { Store } from '../../storage/Store.ts';
import { checkInBody, type Json, startHarness } from '../fleet/providerHarness.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('POST /agent/v1/events with seq (EventSequences)');

test('a resent batch (same seq) is accepted but stored once; new seqs after it are stored', async () => {
  const h = await startHarness();
  try {
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    const at = new Date().toISOString();
    const batch = [
      { seq: 1, type: 'download.started', updateId: 'u1', at },
      { seq: 2, type: 'download.succeeded', updateId: 'u1', at },
    ];
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events: batch })).status, 202);
    // The agent never saw the 202 and sends the same batch again, plus a new event.
    const again = [...batch, { seq: 3, type: 'install.started', updateId: 'u1', at }];
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events: again })).status, 202);
    const { body } = await h.call('GET', '/api/v1/activity?machine=m1');
    assert.equal(
      body.entries.map((entry: Json) => entry.type).filter((type: string) => type !== 'machine.registered'),
      ['install.started', 'download.succeeded', 'download.started'],
    );
  } finally {
    await h.close();
  }
});

test("past its cache bound a machine's number is read back from the store", async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  try {
    const sequences = new EventSequences(store, { cacheSize: 2 });
    for (const [machine, seq] of [
      ['m1', 5],
      ['m2', 7],
      ['m3', 9],
    ] as const) {
      await store.batch([sequences.putOp(machine, seq)]);
      sequences.committed(machine, seq);
    }
    // m1 was dropped from the cache by m3: its number comes from the store (changed behind its back
    // here, to tell a store read from a cached answer), so memory stays bounded by the cache.
    await store.batch([sequences.putOp('m1', 6)]);
    assert.is(await sequences.last('m1'), 6);
    assert.is(await sequences.last('m3'), 9);
    assert.is(await sequences.last('m4'), 0);
  } finally {
    await store.close();
    await cleanup();
  }
});

test.run();
