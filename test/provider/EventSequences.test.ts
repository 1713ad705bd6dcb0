import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EventSequences } from '../../src/provider/EventSequences.ts';
import { Store } from '../../storage/Store.ts';
import { checkInBody, type Json, startHarness } from '../fleet/providerHarness.ts';

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

test('a number stored apart by an earlier version still marks resends; the machine keeps its own after', async () => {
  // As an earlier version left it: the number in its own sublevel, none in the machine's snapshot.
  const h = await startHarness({
    prepare: async (dataDir) => {
      const store = await Store.open(dataDir);
      await store.batch([{ type: 'put', sublevel: store.sublevel('agentEventSeq'), key: 'm1', value: 5 }]);
      await store.close();
    },
  });
  try {
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    const at = new Date().toISOString();
    const post = (events: Json[]) => h.call('POST', '/agent/v1/events', { machineId: 'm1', events });
    assert.is((await post([{ seq: 5, type: 'download.started', updateId: 'u1', at }])).status, 202);
    assert.is((await post([{ seq: 6, type: 'download.succeeded', updateId: 'u1', at }])).status, 202);
    assert.is((await post([{ seq: 6, type: 'download.succeeded', updateId: 'u1', at }])).status, 202);
    const { body } = await h.call('GET', '/api/v1/activity?machine=m1');
    assert.equal(
      body.entries.map((entry: Json) => entry.type).filter((type: string) => type !== 'machine.registered'),
      ['download.succeeded'],
    );
    const snapshot = (await h.provider.core.store.sublevel('snapshots/machine').get('m1')) as {
      context: Json;
    };
    assert.is(snapshot.context.eventSeq, 6);
    assert.is(await (await EventSequences.open(h.provider.core.store)).last('m1'), 5, 'only read');
  } finally {
    await h.close();
  }
});

test.run();
