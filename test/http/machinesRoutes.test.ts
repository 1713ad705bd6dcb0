import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, clientManifest, type Json, startHarness } from '../fleet/providerHarness.ts';

const test = suite('createMachinesRouter');

const named = (id: string, name: string) => {
  const body = checkInBody(id) as { machine: { name: string } };
  body.machine.name = name;
  return body;
};

test('GET /api/v1/machines pages by name with a cursor and searches by prefix, case-insensitively', async () => {
  const h = await startHarness();
  try {
    const names = ['delta', 'Alpha', 'charlie', 'bravo', 'alpine'];
    for (const [i, name] of names.entries()) await h.call('POST', '/agent/v1/checkin', named(`m${i}`, name));
    const first = await h.call('GET', '/api/v1/machines?limit=2');
    assert.equal(
      first.body.machines.map((machine: Json) => machine.name),
      ['Alpha', 'alpine'],
    );
    const second = await h.call('GET', `/api/v1/machines?limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(
      second.body.machines.map((machine: Json) => machine.name),
      ['bravo', 'charlie'],
    );
    const last = await h.call('GET', `/api/v1/machines?limit=2&cursor=${second.body.nextCursor}`);
    assert.equal(
      last.body.machines.map((machine: Json) => machine.name),
      ['delta'],
    );
    assert.is(last.body.nextCursor, undefined);
    const search = await h.call('GET', '/api/v1/machines?search=ALP');
    assert.equal(
      search.body.machines.map((machine: Json) => machine.name),
      ['Alpha', 'alpine'],
    );
  } finally {
    await h.close();
  }
});

test('a renamed machine is listed under its new name only', async () => {
  const h = await startHarness();
  try {
    await h.call('POST', '/agent/v1/checkin', named('m1', 'old-name'));
    await h.call('POST', '/agent/v1/checkin', named('m1', 'new-name'));
    await h.provider.core.host.flush();
    const list = await h.call('GET', '/api/v1/machines');
    assert.equal(
      list.body.machines.map((machine: Json) => machine.name),
      ['new-name'],
    );
  } finally {
    await h.close();
  }
});

test('GET /api/v1/machines/:id shows settings, group, installed, pending actions, status and activity', async () => {
  const h = await startHarness();
  try {
    const patch = await h.upload(clientManifest('15.01.01.00'));
    await h.call('PATCH', `/api/v1/updates/${patch.id}`, { state: 'GA' });
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    await h.call('POST', '/agent/v1/events', {
      machineId: 'm1',
      events: [{ type: 'restart.required', at: new Date().toISOString() }],
    });
    const detail = (await h.call('GET', '/api/v1/machines/m1')).body;
    assert.is(detail.name, 'PC-m1');
    assert.equal(detail.group, { id: 'default', name: 'Default' });
    assert.is(detail.locked, false);
    assert.equal(detail.settings, { mode: 'automatic', installDay: 'everyday', installHour: 3 });
    assert.is(detail.installed[0].version, '15.01.00.00');
    assert.equal(
      detail.pendingActions.map((action: Json) => [action.kind, action.updateId, action.patch]),
      [['install', patch.id, 'Patch1']],
    );
    assert.is(detail.state, 'needsAttention');
    assert.is(detail.status, 'NeedsAttention');
    assert.ok(detail.notes.includes('restart required'));
    assert.equal(
      detail.recentActivity.map((entry: Json) => entry.type),
      ['restart.required', 'machine.registered'],
    );
    assert.is(typeof detail.lastContact, 'string');
  } finally {
    await h.close();
  }
});

test('GET /api/v1/machines/:id of an unknown machine is 404 MACHINE_NOT_FOUND', async () => {
  const h = await startHarness();
  try {
    const reply = await h.call('GET', '/api/v1/machines/nope');
    assert.is(reply.status, 404);
    assert.is(reply.body.error.code, 'MACHINE_NOT_FOUND');
  } finally {
    await h.close();
  }
});

test.run();
