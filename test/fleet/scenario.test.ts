import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, clientManifest, type Harness, type Json, startHarness } from './providerHarness.ts';

/**
 * The acceptance scenario of issue #3, driven through HTTP only, as a new admin would: three machines
 * check in, a group takes one of them, patches go GA and are replaced, events move machines in the
 * report, and a Remove rolls a machine back.
 */
const test = suite('fleet acceptance scenario (HTTP)');

const namesIn = (section: Array<{ name: string }>) => section.map((row) => row.name);
const at = () => new Date().toISOString();

test('three machines, a group, two patches and a removal behave as the manual says', async () => {
  const h: Harness = await startHarness();
  try {
    const install = await h.upload(clientManifest('15.01.00.00'));
    const patch1 = await h.upload(clientManifest('15.01.01.00'));
    const patch2 = await h.upload(clientManifest('15.01.02.00'));
    assert.is((await h.call('PATCH', `/api/v1/updates/${install.id}`, { state: 'GA' })).status, 200);

    // Three machines check in for the first time: default group, its settings, nothing to do.
    const own = { mode: 'download', installDay: 'monday', installHour: 5 };
    for (const id of ['m1', 'm2', 'm3']) {
      const first = await h.call('POST', '/agent/v1/checkin', checkInBody(id, { settings: own }));
      assert.is(first.status, 200);
      assert.equal(first.body.group, { id: 'default', name: 'Default', locked: false });
      assert.is(first.body.settings.mode, 'automatic', 'first contact takes the default group settings');
      assert.equal(first.body.actions, []);
      assert.is(typeof first.body.planEtag, 'string');
    }
    const listed = await h.call('GET', '/api/v1/machines');
    assert.equal(
      listed.body.machines.map((machine: { name: string }) => machine.name),
      ['PC-m1', 'PC-m2', 'PC-m3'],
    );

    // The admin creates North (automatic, sunday, 3h) and moves m2 into it.
    const north = await h.call('POST', '/api/v1/groups', {
      name: 'North',
      mode: 'automatic',
      installDay: 'sunday',
      installHour: 3,
    });
    assert.is(north.status, 201);
    const moved = await h.call('PUT', `/api/v1/groups/${north.body.id}/members`, { machineIds: ['m2'] });
    assert.is(moved.status, 200);
    assert.is(moved.body.memberCount, 1);

    // Patch1 goes GA: every machine is offered it; m2 is locked to North's settings.
    assert.is((await h.call('PATCH', `/api/v1/updates/${patch1.id}`, { state: 'GA' })).status, 200);
    const replies: Record<string, Json> = {};
    for (const id of ['m1', 'm2', 'm3']) {
      const reply = await h.call('POST', '/agent/v1/checkin', checkInBody(id, { settings: own }));
      assert.is(reply.status, 200);
      assert.equal(
        reply.body.actions.map((action: Json) => [action.kind, action.update.id]),
        [['install', patch1.id]],
      );
      assert.equal(reply.body.actions[0].update.urls, [
        `${h.url}${h.provider.security.signContentPath(patch1.sha256)}`,
      ]);
      assert.is((await fetch(reply.body.actions[0].update.urls[0], { method: 'HEAD' })).status, 200);
      replies[id] = reply.body;
    }
    assert.equal(replies.m1.group, { id: 'default', name: 'Default', locked: false });
    assert.equal(
      { mode: replies.m1.settings.mode, installDay: replies.m1.settings.installDay },
      { mode: 'download', installDay: 'monday' },
      'a default-group machine keeps the settings it reports',
    );
    assert.equal(replies.m2.group, { id: north.body.id, name: 'North', locked: true });
    assert.equal(
      {
        mode: replies.m2.settings.mode,
        installDay: replies.m2.settings.installDay,
        installHour: replies.m2.settings.installHour,
      },
      { mode: 'automatic', installDay: 'sunday', installHour: 3 },
      "a North machine runs with North's settings",
    );
    let report = await h.call('GET', '/api/v1/report');
    assert.equal(namesIn(report.body.NeedsAttention), ['PC-m1', 'PC-m2', 'PC-m3']);

    // m1 installs Patch1 and says so; m3 fails. The log shows it and the report moves them.
    const events = (type: string, detail?: string) => ({ type, updateId: patch1.id, at: at(), detail });
    const m1Events = await h.call('POST', '/agent/v1/events', {
      machineId: 'm1',
      events: [
        events('download.started'),
        events('download.succeeded'),
        events('install.started'),
        events('install.succeeded'),
      ],
    });
    assert.is(m1Events.status, 202);
    assert.is(
      (
        await h.call('POST', '/agent/v1/events', {
          machineId: 'm3',
          events: [events('install.failed', 'exit code 1603')],
        })
      ).status,
      202,
    );
    const m1Log = await h.call('GET', '/api/v1/activity?machine=m1&type=install.*');
    assert.equal(
      m1Log.body.entries.map((entry: Json) => entry.type),
      ['install.succeeded', 'install.started'],
    );
    assert.is(m1Log.body.entries[0].application, 'Client');
    report = await h.call('GET', '/api/v1/report');
    assert.equal(namesIn(report.body.UpToDate), ['PC-m1']);
    assert.equal(namesIn(report.body.NeedsAttention), ['PC-m2']);
    assert.equal(namesIn(report.body.ErrorState), ['PC-m3']);
    assert.ok(
      report.body.ErrorState[0].notes.some((note: string) => note.startsWith('install failed: Client')),
    );
    assert.equal(report.body.UpToDate[0].applications[0], {
      application: 'Client',
      productLine: 'CIC',
      upgradeCode: 'U-CLIENT',
      installedVersion: '15.01.01.00',
      availableVersion: '15.01.01.00',
      status: 'UpToDate',
    });
    const status1 = await h.call('GET', `/api/v1/updates/${patch1.id}/status`);
    assert.equal(status1.body, { activations: 1, machines: { installed: 1, pending: 2, failed: 1 } });

    // m1 checks in on Patch1 with its etag: nothing changed, and the reply says so.
    const m1OnPatch1 = checkInBody('m1', { version: '15.01.01.00', updates: [patch1.id], settings: own });
    const fresh = await h.call('POST', '/agent/v1/checkin', m1OnPatch1);
    assert.equal(fresh.body.actions, []);
    const again = await h.call('POST', '/agent/v1/checkin', { ...m1OnPatch1, planEtag: fresh.body.planEtag });
    assert.is(again.body.unchanged, true);
    assert.is(again.body.actions, undefined);
    assert.is(again.body.planEtag, fresh.body.planEtag);

    // Patch2 goes GA: it replaces Patch1 in every plan (never an older patch).
    assert.is((await h.call('PATCH', `/api/v1/updates/${patch2.id}`, { state: 'GA' })).status, 200);
    const m1Next = await h.call('POST', '/agent/v1/checkin', {
      ...m1OnPatch1,
      planEtag: fresh.body.planEtag,
    });
    assert.is(m1Next.body.unchanged, undefined);
    assert.equal(
      m1Next.body.actions.map((action: Json) => action.update.id),
      [patch2.id],
    );
    for (const id of ['m2', 'm3']) {
      const reply = await h.call('POST', '/agent/v1/checkin', checkInBody(id, { settings: own }));
      assert.equal(
        reply.body.actions.map((action: Json) => action.update.id),
        [patch2.id],
      );
    }

    // m1 installs Patch2; then Patch2 is marked Remove: m1 rolls back to Patch1, m2 gets Patch1 again.
    assert.is((await h.call('PATCH', `/api/v1/updates/${patch2.id}`, { state: 'Remove' })).status, 200);
    const m1OnPatch2 = checkInBody('m1', {
      version: '15.01.02.00',
      updates: [patch1.id, patch2.id],
      settings: own,
    });
    const removal = await h.call('POST', '/agent/v1/checkin', m1OnPatch2);
    assert.equal(
      removal.body.actions.map((action: Json) => [action.kind, action.update.id, action.rollbackTo]),
      [['remove', patch2.id, '15.01.01.00']],
    );
    const m2Reply = await h.call('POST', '/agent/v1/checkin', checkInBody('m2', { settings: own }));
    assert.equal(
      m2Reply.body.actions.map((action: Json) => [action.kind, action.update.id]),
      [['install', patch1.id]],
    );

    // Admin changes are in the log too.
    const stateLog = await h.call('GET', `/api/v1/activity?type=update.state&limit=10`);
    assert.equal(
      stateLog.body.entries.map((entry: Json) => entry.description.split(': ')[1]),
      ['GA → Remove', 'PreApproval → GA', 'PreApproval → GA', 'PreApproval → GA'],
    );
  } finally {
    await h.close();
  }
});

const bad = suite('agent API refuses bad input and stores nothing');

async function storedCounts(h: Harness) {
  const activity = await h.call('GET', '/api/v1/activity?limit=1000');
  const machines = await h.call('GET', '/api/v1/machines');
  return {
    activity: activity.body.entries.length,
    machines: machines.body.machines.length,
    snapshots: await h.provider.core.host.snapshots.count('machine'),
  };
}

bad('a malformed inventory is 400 INVALID_REQUEST naming the field', async () => {
  const h = await startHarness();
  try {
    const before = await storedCounts(h);
    const body = checkInBody('m9') as { installed: Array<Record<string, unknown>> };
    body.installed[0]!.version = 'fifteen';
    const reply = await h.call('POST', '/agent/v1/checkin', body);
    assert.is(reply.status, 400);
    assert.is(reply.body.error.code, 'INVALID_REQUEST');
    assert.is(reply.body.error.details.field, 'installed.0.version');
    const notAList = await h.call('POST', '/agent/v1/checkin', {
      ...checkInBody('m9'),
      installed: 'all of it',
    });
    assert.is(notAList.status, 400);
    assert.equal(await storedCounts(h), before);
    assert.is((await h.call('GET', '/api/v1/machines/m9')).body.error.code, 'MACHINE_NOT_FOUND');
  } finally {
    await h.close();
  }
});

bad('an unknown event type is 400 INVALID_REQUEST and no event of the batch is kept', async () => {
  const h = await startHarness();
  try {
    await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    const before = await storedCounts(h);
    const reply = await h.call('POST', '/agent/v1/events', {
      machineId: 'm1',
      events: [
        { type: 'restart.required', at: at() },
        { type: 'install.exploded', at: at() },
      ],
    });
    assert.is(reply.status, 400);
    assert.is(reply.body.error.code, 'INVALID_REQUEST');
    assert.is(reply.body.error.details.field, 'events.1.type');
    assert.equal(await storedCounts(h), before);
    assert.is((await h.call('GET', '/api/v1/machines/m1')).body.restartRequired, false);
  } finally {
    await h.close();
  }
});

// An unknown machine has no secret to present, so it is refused before anything is looked up.
bad('events from an unknown machine are 401 UNAUTHENTICATED', async () => {
  const h = await startHarness();
  try {
    const before = await storedCounts(h);
    const reply = await h.call('POST', '/agent/v1/events', {
      machineId: 'ghost',
      events: [{ type: 'check.failed', at: at() }],
    });
    assert.is(reply.status, 401);
    assert.is(reply.body.error.code, 'UNAUTHENTICATED');
    assert.equal(await storedCounts(h), before);
  } finally {
    await h.close();
  }
});

bad('a check-in past the size limit is 413 BODY_TOO_LARGE', async () => {
  const h = await startHarness({ maxCheckInBytes: 1024 });
  try {
    const body = checkInBody('m1') as { installed: unknown[] };
    body.installed = Array.from({ length: 20 }, () => (body.installed as unknown[])[0]);
    const reply = await h.call('POST', '/agent/v1/checkin', body);
    assert.is(reply.status, 413);
    assert.is(reply.body.error.code, 'BODY_TOO_LARGE');
    assert.is((await storedCounts(h)).snapshots, 0);
  } finally {
    await h.close();
  }
});

test.run();
bad.run();
