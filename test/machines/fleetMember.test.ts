import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  type CheckedInEvent,
  type FleetMemberEvent,
  fleetMember,
  installedAfterInstall,
  installedAfterRemove,
  type MemberAction,
} from '../../machines/fleetMember.ts';
import { clientPatch, installedClient, memberSettings } from '../helpers/memberFixtures.ts';

const settings = memberSettings;
const client = installedClient;
const patch = clientPatch;

function start() {
  return createActor(fleetMember, {
    input: { machineId: 'm1', name: 'PC-1', groupId: 'default', settings, at: '2026-01-01T00:00:00.000Z' },
  }).start();
}

function checkIn(fields: Partial<CheckedInEvent> = {}): CheckedInEvent {
  return {
    type: 'CHECKED_IN',
    at: '2026-01-01T01:00:00.000Z',
    name: 'PC-1',
    settings,
    installed: [client],
    status: { restartRequired: false },
    pending: [],
    ...fields,
  };
}

/** A member created together with its first check-in, as the fleet registers a new machine. */
function startWithCheckIn(fields: Partial<CheckedInEvent>) {
  return createActor(fleetMember, {
    input: {
      machineId: 'm1',
      name: 'PC-1',
      groupId: 'default',
      settings,
      at: '2026-01-01T00:00:00.000Z',
      checkIn: { ...checkIn(fields), type: undefined } as never,
    },
  }).start();
}

function run(...events: FleetMemberEvent[]) {
  const actor = start();
  for (const event of events) actor.send(event);
  return actor.getSnapshot();
}

const test = suite('fleetMember');

test('a new member is registered until its first check-in', () => {
  assert.is(start().getSnapshot().value, 'registered');
});

test('a member created with its first check-in is evaluated at once', () => {
  const actor = startWithCheckIn({ pending: [patch] });
  assert.is(actor.getSnapshot().value, 'needsAttention');
  assert.is(actor.getSnapshot().context.checkIns, 1);
  assert.equal(actor.getSnapshot().context.notes, ['1 update to install']);
});

test('a check-in with nothing pending is upToDate', () => {
  const snapshot = run(checkIn());
  assert.is(snapshot.value, 'upToDate');
  assert.equal(snapshot.context.notes, []);
  assert.is(snapshot.context.lastContact, '2026-01-01T01:00:00.000Z');
});

test('a check-in with pending actions is needsAttention with a note', () => {
  const snapshot = run(checkIn({ pending: [patch] }));
  assert.is(snapshot.value, 'needsAttention');
  assert.equal(snapshot.context.notes, ['1 update to install']);
});

test('a reported restart is needsAttention with "restart required"', () => {
  const snapshot = run(checkIn(), { type: 'restart.required', at: '2026-01-01T02:00:00.000Z' });
  assert.is(snapshot.value, 'needsAttention');
  assert.equal(snapshot.context.notes, ['restart required']);
});

test('install.failed is errorState with the update and the detail in the note', () => {
  const snapshot = run(checkIn({ pending: [patch] }), {
    type: 'install.failed',
    updateId: 'p2',
    at: '2026-01-01T02:00:00.000Z',
    detail: 'exit code 1603',
  });
  assert.is(snapshot.value, 'errorState');
  assert.ok(snapshot.context.notes.includes('install failed: Client 15.01.02.00 (exit code 1603)'));
});

test('install.succeeded applies the action to the inventory and leaves nothing pending', () => {
  const snapshot = run(checkIn({ pending: [patch] }), {
    type: 'install.succeeded',
    updateId: 'p2',
    at: '2026-01-01T02:00:00.000Z',
  });
  assert.is(snapshot.value, 'upToDate');
  assert.equal(snapshot.context.pending, []);
  assert.is(snapshot.context.installed[0]!.version, '15.01.02.00');
  assert.equal(snapshot.context.installed[0]!.updates, ['p2']);
});

test('install.succeeded after install.failed clears the failure', () => {
  const snapshot = run(
    checkIn({ pending: [patch] }),
    { type: 'install.failed', updateId: 'p2', at: '2026-01-01T02:00:00.000Z' },
    { type: 'install.succeeded', updateId: 'p2', at: '2026-01-01T03:00:00.000Z' },
  );
  assert.is(snapshot.value, 'upToDate');
  assert.equal(snapshot.context.failures, []);
});

test('check.failed is errorState until the next check-in', () => {
  const failed = run(checkIn(), { type: 'check.failed', at: '2026-01-01T02:00:00.000Z', detail: 'timeout' });
  assert.is(failed.value, 'errorState');
  assert.ok(failed.context.notes.includes('agent reports it cannot reach a provider (timeout)'));
  const recovered = run(
    checkIn(),
    { type: 'check.failed', at: '2026-01-01T02:00:00.000Z' },
    checkIn({ at: '2026-01-01T03:00:00.000Z' }),
  );
  assert.is(recovered.value, 'upToDate');
});

test('an error in the check-in status is errorState', () => {
  const snapshot = run(checkIn({ status: { restartRequired: false, lastError: 'disk full' } }));
  assert.is(snapshot.value, 'errorState');
  assert.equal(snapshot.context.notes, ['agent error: disk full']);
});

test('a failure of an update no longer planned is dropped at the next check-in', () => {
  const snapshot = run(
    checkIn({ pending: [patch] }),
    { type: 'install.failed', updateId: 'p2', at: '2026-01-01T02:00:00.000Z' },
    checkIn({ pending: [] }),
  );
  assert.is(snapshot.value, 'upToDate');
});

test('CONTACTED moves last contact forward only, and keeps the state', () => {
  const snapshot = run(
    checkIn({ pending: [patch] }),
    { type: 'CONTACTED', at: '2026-01-01T05:00:00.000Z' },
    { type: 'CONTACTED', at: '2026-01-01T04:00:00.000Z' },
  );
  assert.is(snapshot.value, 'needsAttention');
  assert.is(snapshot.context.lastContact, '2026-01-01T05:00:00.000Z');
});

test('GROUP_CHANGED sets group and settings and keeps the state', () => {
  const north = { mode: 'download', installDay: 'sunday', installHour: 3 } as const;
  const snapshot = run(checkIn(), { type: 'GROUP_CHANGED', groupId: 'north', settings: north, at: 'x' });
  assert.is(snapshot.value, 'upToDate');
  assert.is(snapshot.context.groupId, 'north');
  assert.equal(snapshot.context.settings, north);
});

test('the snapshot survives a persist/restore round trip', () => {
  const actor = start();
  actor.send(checkIn({ pending: [patch] }));
  const restored = createActor(fleetMember, {
    snapshot: actor.getPersistedSnapshot() as never,
  } as never).start();
  restored.send({ type: 'install.succeeded', updateId: 'p2', at: '2026-01-01T02:00:00.000Z' });
  assert.is(restored.getSnapshot().value, 'upToDate');
});

const inventory = suite('installedAfterInstall / installedAfterRemove');

inventory('a release Install of a new product adds the product', () => {
  const install: MemberAction = {
    ...patch,
    updateId: 'i2',
    installType: 'Install',
    upgradeCode: 'U2',
    version: '15.02.00.00',
  };
  const after = installedAfterInstall([client], install);
  assert.is(after.length, 2);
  assert.equal(after[1]!.updates, []);
  assert.is(after[1]!.version, '15.02.00.00');
});

inventory('a removal with a rollback target returns to that version and forgets the update', () => {
  const installed = [{ ...client, version: '15.01.02.00', updates: ['p2'] }];
  const removal: MemberAction = { ...patch, kind: 'remove', rollbackTo: '15.01.00.00' };
  assert.equal(installedAfterRemove(installed, removal), [
    { ...client, version: '15.01.00.00', updates: [] },
  ]);
});

inventory('a removal without a rollback target uninstalls the product', () => {
  const removal: MemberAction = { ...patch, kind: 'remove', installType: 'Install', version: '15.01.00.00' };
  assert.equal(installedAfterRemove([client], removal), []);
});

test('a numbered report at or below the last number is a resend and changes nothing', () => {
  const at = '2026-01-01T02:00:00.000Z';
  const actor = start();
  actor.send(checkIn({ pending: [patch] }));
  actor.send({ type: 'install.succeeded', updateId: 'p2', at, seq: 4 });
  const installed = actor.getSnapshot();
  assert.is(installed.context.eventSeq, 4);
  assert.is(installed.value, 'upToDate');
  actor.send({ type: 'install.failed', updateId: 'p2', at, seq: 4, detail: 'resent?' });
  actor.send({ type: 'download.failed', updateId: 'p2', at, seq: 3 });
  assert.is(actor.getSnapshot(), installed, 'the same snapshot: nothing happened');
  actor.send({ type: 'restart.required', at, seq: 5 });
  assert.is(actor.getSnapshot().context.eventSeq, 5);
  assert.is(actor.getSnapshot().context.restartRequired, true);
  // Unnumbered reports (older agents) are always taken and leave the number alone.
  actor.send({ type: 'check.failed', at, detail: 'unreachable' });
  assert.is(actor.getSnapshot().context.eventSeq, 5);
  assert.is(actor.getSnapshot().value, 'errorState');
});

test('a member created with its first check-in settles by that check-in: errors, then work', () => {
  const created = (fields: Partial<CheckedInEvent>) => startWithCheckIn(fields).getSnapshot();
  assert.is(created({}).value, 'upToDate');
  const failing = created({ pending: [patch], status: { restartRequired: false, lastError: 'disk full' } });
  assert.is(failing.value, 'errorState');
  assert.equal(failing.context.notes, ['agent error: disk full', '1 update to install']);
});

test('each report settles in the state the context it leaves calls for', () => {
  const at = '2026-01-01T02:00:00.000Z';
  const pending = checkIn({ pending: [patch] });
  const removal: MemberAction = { ...patch, kind: 'remove', rollbackTo: '15.01.01.00' };
  const cases: Array<[string, FleetMemberEvent[], string]> = [
    ['download.failed', [pending, { type: 'download.failed', updateId: 'p2', at }], 'errorState'],
    [
      'download.succeeded after download.failed',
      [
        pending,
        { type: 'download.failed', updateId: 'p2', at },
        { type: 'download.succeeded', updateId: 'p2', at },
      ],
      'needsAttention',
    ],
    [
      'remove.failed',
      [checkIn({ pending: [removal] }), { type: 'remove.failed', updateId: 'p2', at }],
      'errorState',
    ],
    [
      'remove.succeeded',
      [checkIn({ pending: [removal] }), { type: 'remove.succeeded', updateId: 'p2', at }],
      'upToDate',
    ],
    ['restart.required', [checkIn(), { type: 'restart.required', at }], 'needsAttention'],
    ['a progress report', [pending, { type: 'download.started', updateId: 'p2', at }], 'needsAttention'],
    ['a check-in after check.failed', [checkIn(), { type: 'check.failed', at }, checkIn()], 'upToDate'],
  ];
  for (const [name, events, state] of cases) assert.is(run(...events).value, state, name);
});

test('one event object sent to members in different states settles each by its own context', () => {
  const at = '2026-01-01T02:00:00.000Z';
  const succeeded: FleetMemberEvent = { type: 'install.succeeded', updateId: 'p2', at };
  const planned = start();
  planned.send(checkIn({ pending: [patch] }));
  const failing = start();
  failing.send(checkIn({ pending: [patch], status: { restartRequired: false, lastError: 'disk full' } }));
  planned.send(succeeded);
  failing.send(succeeded);
  assert.is(planned.getSnapshot().value, 'upToDate');
  assert.equal(planned.getSnapshot().context.notes, []);
  assert.equal(planned.getSnapshot().context.lastEvent, { type: 'install.succeeded', at, updateId: 'p2' });
  assert.equal(planned.getSnapshot().context.installed[0]?.updates, ['p2']);
  assert.is(failing.getSnapshot().value, 'errorState');
  assert.equal(failing.getSnapshot().context.notes, ['agent error: disk full']);
  assert.equal(failing.getSnapshot().context.pending, []);
});

test.run();
inventory.run();
