import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, type Harness, type Json, startHarness } from '../fleet/providerHarness.ts';

const test = suite('createGroupsRouter');

async function withFleet(run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness();
  try {
    for (const id of ['m1', 'm2', 'm3']) await h.call('POST', '/agent/v1/checkin', checkInBody(id));
    await run(h);
  } finally {
    await h.close();
  }
}

const groupOf = async (h: Harness, id: string) =>
  (await h.call('GET', `/api/v1/machines/${id}`)).body.group.id;

test('GET /api/v1/groups lists the default group holding every machine', () =>
  withFleet(async (h) => {
    const list = await h.call('GET', '/api/v1/groups');
    assert.equal(
      list.body.map((group: Json) => group.id),
      ['default'],
    );
    assert.is((await h.call('GET', '/api/v1/groups/default')).body.memberCount, 3);
  }));

test('DELETE /api/v1/groups/default is 409 GROUP_PROTECTED', () =>
  withFleet(async (h) => {
    const reply = await h.call('DELETE', '/api/v1/groups/default');
    assert.is(reply.status, 409);
    assert.is(reply.body.error.code, 'GROUP_PROTECTED');
  }));

test('PATCH /api/v1/groups/default changes the settings new machines get', () =>
  withFleet(async (h) => {
    const patched = await h.call('PATCH', '/api/v1/groups/default', { mode: 'notify', installHour: 22 });
    assert.is(patched.status, 200);
    const first = await h.call('POST', '/agent/v1/checkin', checkInBody('m4'));
    assert.is(first.body.settings.mode, 'notify');
    assert.is(first.body.settings.installHour, 22);
  }));

test('POST /api/v1/groups with a taken name is 409 GROUP_EXISTS', () =>
  withFleet(async (h) => {
    assert.is((await h.call('POST', '/api/v1/groups', { name: 'North' })).status, 201);
    const again = await h.call('POST', '/api/v1/groups', { name: 'north' });
    assert.is(again.status, 409);
    assert.is(again.body.error.code, 'GROUP_EXISTS');
  }));

test('POST /api/v1/groups with a bad install hour is 400 naming the field', () =>
  withFleet(async (h) => {
    const reply = await h.call('POST', '/api/v1/groups', { name: 'Night', installHour: 24 });
    assert.is(reply.status, 400);
    assert.is(reply.body.error.details.field, 'installHour');
  }));

test('PUT members moves machines out of their old group', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North' });
    await h.call('POST', '/api/v1/groups', { name: 'South' });
    await h.call('PUT', '/api/v1/groups/north/members', { machineIds: ['m1', 'm2'] });
    await h.call('PUT', '/api/v1/groups/south/members', { machineIds: ['m2'] });
    assert.is(await groupOf(h, 'm1'), 'north');
    assert.is(await groupOf(h, 'm2'), 'south');
    assert.is((await h.call('GET', '/api/v1/groups/north')).body.memberCount, 1);
    assert.is((await h.call('GET', '/api/v1/groups/default')).body.memberCount, 1);
    const south = await h.call('GET', '/api/v1/machines?group=south');
    assert.equal(
      south.body.machines.map((machine: Json) => machine.id),
      ['m2'],
    );
  }));

test('PUT members with an unknown machine is 404 MACHINE_NOT_FOUND and moves nobody', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North' });
    const reply = await h.call('PUT', '/api/v1/groups/north/members', { machineIds: ['m1', 'ghost'] });
    assert.is(reply.status, 404);
    assert.is(reply.body.error.code, 'MACHINE_NOT_FOUND');
    assert.is(await groupOf(h, 'm1'), 'default');
  }));

test('DELETE a member sends it back to default, keeping the settings it had', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North', mode: 'manual', installDay: 'friday' });
    await h.call('PUT', '/api/v1/groups/north/members', { machineIds: ['m1'] });
    assert.is((await h.call('DELETE', '/api/v1/groups/north/members/m1')).status, 204);
    const detail = (await h.call('GET', '/api/v1/machines/m1')).body;
    assert.is(detail.group.id, 'default');
    assert.is(detail.locked, false);
    assert.is(detail.settings.mode, 'manual');
  }));

test('DELETE a machine that is not a member is 404 MACHINE_NOT_FOUND', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North' });
    const reply = await h.call('DELETE', '/api/v1/groups/north/members/m1');
    assert.is(reply.status, 404);
    assert.is(reply.body.error.code, 'MACHINE_NOT_FOUND');
  }));

test('deleting a group moves its members to default', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North' });
    await h.call('PUT', '/api/v1/groups/north/members', { machineIds: ['m1', 'm3'] });
    assert.is((await h.call('DELETE', '/api/v1/groups/north')).status, 204);
    assert.is((await h.call('GET', '/api/v1/groups/north')).body.error.code, 'GROUP_NOT_FOUND');
    assert.is(await groupOf(h, 'm1'), 'default');
    assert.is(await groupOf(h, 'm3'), 'default');
    assert.is((await h.call('GET', '/api/v1/groups/default')).body.memberCount, 3);
    const reply = await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    assert.equal(reply.body.group, { id: 'default', name: 'Default', locked: false });
  }));

test('a group settings change reaches members at their next check-in', () =>
  withFleet(async (h) => {
    await h.call('POST', '/api/v1/groups', { name: 'North' });
    await h.call('PUT', '/api/v1/groups/north/members', { machineIds: ['m1'] });
    const before = await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    await h.call('PATCH', '/api/v1/groups/north', {
      installDay: 'sunday',
      providers: ['http://remote-a:8092'],
    });
    const after = await h.call(
      'POST',
      '/agent/v1/checkin',
      checkInBody('m1', { planEtag: before.body.planEtag }),
    );
    assert.is(after.body.settings.installDay, 'sunday');
    assert.equal(after.body.providers, ['http://remote-a:8092']);
    const log = await h.call('GET', '/api/v1/activity?type=group.changed');
    assert.equal(Object.keys(log.body.entries[0].changes).sort(), ['installDay', 'providers']);
  }));

test.run();
