import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, type Json, startHarness } from '../fleet/providerHarness.ts';

const test = suite('createActivityRouter');

test('GET /api/v1/activity is newest first, filtered by machine and type, paged with a cursor; DELETE clears it', async () => {
  const h = await startHarness();
  try {
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    await h.call('POST', '/agent/v1/checkin', checkInBody('m2'));
    const at = new Date().toISOString();
    const events = ['download.started', 'download.failed', 'check.failed'].map((type) => ({ type, at }));
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events })).status, 202);
    await h.call('POST', '/agent/v1/events', { machineId: 'm2', events: [{ type: 'check.failed', at }] });

    const all = await h.call('GET', '/api/v1/activity');
    assert.equal(
      all.body.entries.map((entry: Json) => [entry.machineId, entry.type]),
      [
        ['m2', 'check.failed'],
        ['m1', 'check.failed'],
        ['m1', 'download.failed'],
        ['m1', 'download.started'],
        ['m2', 'machine.registered'],
        ['m1', 'machine.registered'],
      ],
    );
    const m1 = await h.call('GET', '/api/v1/activity?machine=m1&type=download.*');
    assert.equal(
      m1.body.entries.map((entry: Json) => entry.type),
      ['download.failed', 'download.started'],
    );
    const page1 = await h.call('GET', '/api/v1/activity?limit=4');
    const page2 = await h.call('GET', `/api/v1/activity?limit=4&cursor=${page1.body.nextCursor}`);
    assert.equal(
      [...page1.body.entries, ...page2.body.entries].map((entry: Json) => entry.id),
      all.body.entries.map((entry: Json) => entry.id),
    );
    const future = await h.call('GET', `/api/v1/activity?since=${encodeURIComponent('2999-01-01')}`);
    assert.equal(future.body.entries, []);
    const past = await h.call('GET', `/api/v1/activity?until=${encodeURIComponent('2000-01-01')}`);
    assert.equal(past.body.entries, []);

    assert.is((await h.call('DELETE', '/api/v1/activity')).status, 204);
    assert.equal((await h.call('GET', '/api/v1/activity')).body.entries, []);
    assert.equal((await h.call('GET', '/api/v1/activity?machine=m1')).body.entries, []);
  } finally {
    await h.close();
  }
});

test('a bad since is 400 INVALID_REQUEST', async () => {
  const h = await startHarness();
  try {
    const reply = await h.call('GET', '/api/v1/activity?since=yesterday');
    assert.is(reply.status, 400);
    assert.is(reply.body.error.details.field, 'since');
  } finally {
    await h.close();
  }
});

test.run();
