import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, type EventObject, raise, setup } from 'xstate';
import { type FleetMemberEvent, fleetMember } from '../../machines/fleetMember.ts';
import { readUpdateLifecycle, updateLifecycle } from '../../machines/updateLifecycle.ts';
import { ActorHost, type ActorKind } from '../../src/runtime/ActorHost.ts';
import { PureActor, pureScope } from '../../src/runtime/PureActor.ts';
import { Store } from '../../storage/Store.ts';
import { counter } from '../helpers/counterMachine.ts';
import { clientPatch, installedClient, memberSettings } from '../helpers/memberFixtures.ts';
import { rejectsWithCode } from '../helpers/rejectsWithCode.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('PureActor: machines run as values');
const at = '2026-01-01T00:00:00.000Z';
const settings = memberSettings;
const memberInput = { machineId: 'm1', name: 'PC-1', groupId: 'default', settings, at };

/** A machine's day: a check-in with work, its install, a resend, a failure, contact and a move. */
const memberEvents: FleetMemberEvent[] = [
  {
    type: 'CHECKED_IN',
    at: '2026-01-01T01:00:00.000Z',
    name: 'PC-1',
    settings,
    installed: [installedClient],
    status: { restartRequired: false },
    pending: [clientPatch],
  },
  { type: 'download.succeeded', updateId: 'p2', at: '2026-01-01T01:01:00.000Z', seq: 1 },
  { type: 'install.succeeded', updateId: 'p2', at: '2026-01-01T01:02:00.000Z', seq: 2 },
  { type: 'install.succeeded', updateId: 'p2', at: '2026-01-01T01:02:00.000Z', seq: 2 },
  { type: 'install.failed', updateId: 'p3', at: '2026-01-01T01:03:00.000Z', seq: 3, detail: 'exit 1603' },
  { type: 'CONTACTED', at: '2026-01-01T01:04:00.000Z' },
  { type: 'GROUP_CHANGED', groupId: 'lab', at: '2026-01-01T01:05:00.000Z' },
];

/** A machine that raises an event later: that needs a running actor's clock. */
const delayed = setup({ types: { events: {} as { type: 'GO' } | { type: 'LATER' } } }).createMachine({
  initial: 'idle',
  states: {
    idle: { on: { GO: { target: 'waiting', actions: raise({ type: 'LATER' }, { delay: 10 }) } } },
    waiting: { on: { LATER: 'done' } },
    done: {},
  },
});

async function withHost(
  kinds: ActorKind[],
  run: (host: ActorHost, reopen: () => Promise<ActorHost>) => Promise<void>,
) {
  const { dir, cleanup } = await makeTempDir();
  let store = await Store.open(dir);
  let host = new ActorHost(store, kinds);
  const reopen = async () => {
    await host.close();
    await store.close();
    store = await Store.open(dir);
    host = new ActorHost(store, kinds);
    return host;
  };
  try {
    await run(host, reopen);
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
}

test('reaches the snapshots and persisted JSON an XState actor reaches, event by event', () => {
  const actor = createActor(fleetMember, { input: memberInput }).start();
  const pure = new PureActor(fleetMember, pureScope(fleetMember), { input: memberInput });
  assert.equal(pure.getPersistedSnapshot(), actor.getPersistedSnapshot());
  for (const event of memberEvents) {
    const before = pure.getSnapshot();
    actor.send(event);
    pure.send(event);
    assert.equal(pure.getPersistedSnapshot(), actor.getPersistedSnapshot(), event.type);
    assert.is(pure.getSnapshot().value, actor.getSnapshot().value);
    if (event === memberEvents[3])
      assert.is(pure.getSnapshot(), before, 'a resend leaves the very same snapshot');
  }
  assert.is(pure.getSnapshot().value, 'errorState');
});

test('restored from persisted JSON, it goes on as an XState actor restored from the same JSON', () => {
  const first = new PureActor(fleetMember, pureScope(fleetMember), { input: memberInput });
  first.send(memberEvents[0]!);
  const stored = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
  const pure = new PureActor(fleetMember, pureScope(fleetMember), { snapshot: stored });
  const actor = createActor(fleetMember, { snapshot: stored, input: memberInput }).start();
  for (const event of memberEvents.slice(1)) {
    pure.send(event);
    actor.send(event);
  }
  assert.equal(pure.getPersistedSnapshot(), actor.getPersistedSnapshot());
  assert.ok(pure.getSnapshot().can({ type: 'CONTACTED', at }), 'snapshots keep their methods');
});

test('an event that throws leaves it in error, and it takes no more events', () => {
  const pure = new PureActor(counter, pureScope(counter), {});
  pure.send({ type: 'ADD', n: 1 } as EventObject);
  pure.send({ type: 'BOOM' });
  assert.is(pure.getSnapshot().status, 'error');
  assert.is((pure.getSnapshot().error as Error).message, 'boom');
  pure.send({ type: 'ADD', n: 2 } as EventObject);
  assert.equal(pure.getSnapshot().context, { seen: [1] });
});

test('in the host: created, sent, refused, inspected and reopened like any kind', async () => {
  const kinds: ActorKind[] = [
    {
      name: 'update',
      logic: updateLifecycle,
      refusedCode: 'UPDATE_INVALID_TRANSITION',
      notFoundCode: 'UPDATE_NOT_FOUND',
      pure: true,
    },
  ];
  await withHost(kinds, async (host, reopen) => {
    await host.create('update', 'u1', { updateId: 'u1' });
    await rejectsWithCode(
      host.send('update', 'u1', { type: 'MARK_REMOVE', at }, { requireAccepted: true }),
      'UPDATE_INVALID_TRANSITION',
    );
    const ga = await host.send('update', 'u1', { type: 'MARK_GA', at }, { requireAccepted: true });
    assert.equal(readUpdateLifecycle(ga.value), { state: 'GA', highPriority: false });
    assert.equal(
      host.inspection.recent('update', 'u1', 10).map((record) => [record.type, record.event?.type]),
      [
        ['snapshot', 'xstate.init'],
        ['event', 'MARK_GA'],
        ['snapshot', 'MARK_GA'],
      ],
    );
    const before = host.commitStats.ops;
    await host.sendAll('update', 'u1', [{ type: 'NO_SUCH_EVENT' } as never]);
    assert.is(host.commitStats.ops, before, 'an event that changes nothing writes nothing');
    const reopened = await reopen();
    const next = await reopened.send('update', 'u1', { type: 'MARK_REMOVE', at }, { requireAccepted: true });
    assert.equal(readUpdateLifecycle(next.value), { state: 'Remove', highPriority: false });
    await rejectsWithCode(reopened.send('update', 'missing', { type: 'MARK_GA', at }), 'UPDATE_NOT_FOUND');
  });
});

test('in the host: a failing actor is contained and its last committed snapshot stays', async () => {
  await withHost([{ name: 'counter', logic: counter, pure: true }], async (host) => {
    await host.send('counter', 'x', { type: 'ADD', n: 1 }, { create: {} });
    await rejectsWithCode(
      host.sendAll('counter', 'x', [{ type: 'ADD', n: 2 }, { type: 'BOOM' }]),
      'ACTOR_FAILED',
    );
    assert.is(host.isLive('counter', 'x'), false);
    const again = await host.send('counter', 'x', { type: 'ADD', n: 3 });
    assert.equal(again.context, { seen: [1, 3] });
  });
});

test('a machine that needs a running actor fails loudly instead of losing its delayed event', async () => {
  await withHost([{ name: 'delayed', logic: delayed, pure: true }], async (host) => {
    await host.create('delayed', 'd1', {});
    const error = await rejectsWithCode(host.send('delayed', 'd1', { type: 'GO' }), 'ACTOR_FAILED');
    assert.match(String(error.cause), /needs a running actor/);
    assert.is((await host.peek('delayed', 'd1'))!.value, 'idle');
  });
});

test('a kind cannot be pure and keep actors alive for timers', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  try {
    assert.throws(
      () => new ActorHost(store, [{ name: 'c', logic: counter, pure: true, keepAlive: () => true }]),
      /pure or keep actors alive/,
    );
  } finally {
    await store.close();
    await cleanup();
  }
});

test.run();
