import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, clientManifest, type Harness, type Json, startHarness } from './providerHarness.ts';

const test = suite('after reported events, the check-in that reports their result');

/** Marks an uploaded update GA over the admin API, and returns it. */
async function markGA(h: Harness, update: Json): Promise<Json> {
  assert.is((await h.call('PATCH', `/api/v1/updates/${update.id}`, { state: 'GA' })).status, 200);
  return update;
}

test('a check-in reporting just what the events installed is answered from memory, with no write', async () => {
  const h = await startHarness();
  try {
    const patch = await markGA(h, await h.upload(clientManifest('15.01.01.00')));
    const offered = await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    assert.equal(
      offered.body.actions.map((action: { update: { id: string } }) => action.update.id),
      [patch.id],
    );
    const at = new Date().toISOString();
    const events = [
      { seq: 1, type: 'download.succeeded', updateId: patch.id, at },
      { seq: 2, type: 'install.succeeded', updateId: patch.id, at },
    ];
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events })).status, 202);
    const { host } = h.provider.core;
    await host.flush();
    const before = host.commitStats;
    // The agent reports the patch installed and asks with the etag it holds: the plan is now empty.
    const installed = checkInBody('m1', { version: '15.01.01.00', updates: [patch.id] });
    const reply = await h.call('POST', '/agent/v1/checkin', {
      ...installed,
      planEtag: offered.body.planEtag,
    });
    assert.is(reply.status, 200);
    assert.equal(reply.body.actions, []);
    await host.flush();
    assert.equal(host.commitStats, before, 'nothing was written: the snapshot already holds it');
    const machine = await h.call('GET', '/api/v1/machines/m1');
    assert.is(machine.body.state, 'upToDate');
    // A report that differs from what the provider worked out is recorded as before.
    const other = checkInBody('m1', { version: '15.01.02.00', updates: [patch.id] });
    await h.call('POST', '/agent/v1/checkin', { ...other, planEtag: reply.body.planEtag });
    await host.flush();
    assert.ok(host.commitStats.ops > before.ops);
  } finally {
    await h.close();
  }
});

test('an events POST is answered after one commit, its install counted in it', async () => {
  const h = await startHarness();
  try {
    const patch = await markGA(h, await h.upload(clientManifest('15.01.01.00')));
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    await h.call('POST', '/agent/v1/checkin', checkInBody('m2'));
    const { host } = h.provider.core;
    await host.flush();
    const before = host.commitStats.batches;
    const at = new Date().toISOString();
    const events = [
      { seq: 1, type: 'download.succeeded', updateId: patch.id, at },
      { seq: 2, type: 'install.succeeded', updateId: patch.id, at },
    ];
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events })).status, 202);
    assert.is(host.commitStats.batches - before, 1, 'snapshot, activity and activation in one batch');
    assert.is((await h.call('GET', `/api/v1/updates/${patch.id}`)).body.activations, 1);
    // A resend changes nothing and counts nothing; another machine's install counts.
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm1', events })).status, 202);
    assert.is((await h.call('POST', '/agent/v1/events', { machineId: 'm2', events })).status, 202);
    assert.is((await h.call('GET', `/api/v1/updates/${patch.id}`)).body.activations, 2);
    assert.is(h.provider.core.store.sublevel('updateActivations').getSync(patch.id), 2);
  } finally {
    await h.close();
  }
});

test('a check-in that gets in while the events commit is not mistaken for recorded afterwards', async () => {
  const h = await startHarness();
  try {
    const patch = await markGA(h, await h.upload(clientManifest('15.01.01.00')));
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    const fleet = h.provider.fleet.fleet;
    const at = new Date().toISOString();
    const installed = checkInBody('m1', { version: '15.01.01.00', updates: [patch.id] }) as Json;
    // The events are delivered, and while their commit is on its way a check-in reports an error.
    const events = fleet.recordEvents('m1', [
      { seq: 1, type: 'download.succeeded', updateId: patch.id, at },
      { seq: 2, type: 'install.succeeded', updateId: patch.id, at },
    ] as never);
    await new Promise((resolve) => setImmediate(resolve));
    await fleet.checkIn({ ...installed, status: { restartRequired: false, lastError: 'disk full' } });
    await events;
    // The error is gone at the next check-in: that must be recorded, not answered from memory.
    await fleet.checkIn(installed);
    await h.provider.core.host.flush();
    const machine = await h.call('GET', '/api/v1/machines/m1');
    assert.is(machine.body.state, 'upToDate');
  } finally {
    await h.close();
  }
});

test('machines with the same inventory share one plan per catalog generation', async () => {
  const h = await startHarness();
  try {
    const patch1 = await h.upload(clientManifest('15.01.01.00'));
    const patch2 = await h.upload(clientManifest('15.01.02.00'));
    await markGA(h, patch1);
    const fleet = h.provider.fleet.fleet;
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    await h.call('POST', '/agent/v1/checkin', checkInBody('m2'));
    const first = await fleet.checkIn(checkInBody('m1') as Json);
    const second = await fleet.checkIn(checkInBody('m2') as Json);
    assert.equal(
      first.actions?.map((planned) => planned.update.id),
      [patch1.id],
    );
    assert.is(second.actions, first.actions, 'one plan, computed once, for both');
    assert.throws(() => (first.actions as unknown[]).push({}), TypeError, 'shared, so frozen');
    // A catalog change is a new generation: the plan is computed again, and is another one.
    await markGA(h, patch2);
    const after = await fleet.checkIn(checkInBody('m1') as Json);
    assert.equal(
      after.actions?.map((planned) => planned.update.id),
      [patch2.id],
    );
  } finally {
    await h.close();
  }
});

test.run();
