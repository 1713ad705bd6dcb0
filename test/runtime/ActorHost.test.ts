import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, setup } from 'xstate';
import { readUpdateLifecycle, updateLifecycle } from '../../machines/updateLifecycle.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { ActorHost } from '../../src/runtime/ActorHost.ts';
import { Store } from '../../storage/Store.ts';
import { counter } from '../helpers/counterMachine.ts';
import { until } from '../helpers/deferredActor.ts';
import { eventually } from '../helpers/e2eWorld.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const at = '2026-01-01T00:00:00.000Z';

/** Waits until `deadline` (kept in context), then fires: the runtime's timer rule. */
const alarm = setup({
  types: { context: {} as { deadline: number }, input: {} as { deadline: number } },
  actors: {
    waitUntil: fromCallback<{ type: string }, { deadline: number }>(({ sendBack, input }) => {
      const timer = setTimeout(() => sendBack({ type: 'RING' }), Math.max(0, input.deadline - Date.now()));
      return () => clearTimeout(timer);
    }),
  },
}).createMachine({
  context: ({ input }) => ({ deadline: input.deadline }),
  initial: 'waiting',
  states: {
    waiting: {
      invoke: { src: 'waitUntil', input: ({ context }) => ({ deadline: context.deadline }) },
      on: { RING: 'rung' },
    },
    rung: {},
  },
});

const kinds = [
  {
    name: 'update',
    logic: updateLifecycle,
    refusedCode: 'UPDATE_INVALID_TRANSITION' as const,
    notFoundCode: 'UPDATE_NOT_FOUND' as const,
  },
  { name: 'counter', logic: counter },
  {
    name: 'alarm',
    logic: alarm,
    keepAlive: (snapshot: { value: unknown }) => snapshot.value === 'waiting',
  },
];

const test = suite('ActorHost');

async function withHost(
  run: (host: ActorHost, reopen: () => Promise<ActorHost>, store: Store) => Promise<void>,
  options = {},
): Promise<void> {
  const { dir, cleanup } = await makeTempDir();
  let store = await Store.open(dir);
  let host = new ActorHost(store, kinds as never, options);
  const reopen = async () => {
    await host.close();
    await store.close();
    store = await Store.open(dir);
    host = new ActorHost(store, kinds as never, options);
    await host.start();
    return host;
  };
  try {
    await run(host, reopen, store);
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
}

test('send to a missing actor without create is the kind not-found code', async () => {
  await withHost(async (host) => {
    try {
      await host.send('update', 'nope', { type: 'MARK_GA', at });
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isPatchbayError(error, 'UPDATE_NOT_FOUND'));
    }
  });
});

test('send resolves with the committed snapshot, which survives a reopen', async () => {
  await withHost(async (host, reopen) => {
    await host.create('update', 'u1', { updateId: 'u1' });
    const snapshot = await host.send('update', 'u1', { type: 'MARK_GA', at });
    assert.equal(readUpdateLifecycle(snapshot.value), { state: 'GA', highPriority: false });
    const reopened = await reopen();
    const persisted = await reopened.peek('update', 'u1');
    assert.equal(readUpdateLifecycle(persisted!.value), { state: 'GA', highPriority: false });
    const next = await reopened.send('update', 'u1', { type: 'MARK_REMOVE', at }, { requireAccepted: true });
    assert.equal(readUpdateLifecycle(next.value), { state: 'Remove', highPriority: false });
  });
});

test('requireAccepted refuses an event the state does not accept, with the kind refused code', async () => {
  await withHost(async (host) => {
    await host.create('update', 'u1', { updateId: 'u1' });
    try {
      await host.send('update', 'u1', { type: 'MARK_REMOVE', at }, { requireAccepted: true });
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isPatchbayError(error, 'UPDATE_INVALID_TRANSITION'));
    }
    const persisted = await host.peek('update', 'u1');
    assert.equal(readUpdateLifecycle(persisted!.value), { state: 'PreApproval', highPriority: false });
  });
});

test('events to one actor are processed in order while actors run concurrently', async () => {
  await withHost(async (host) => {
    const sends: Promise<unknown>[] = [];
    for (let n = 0; n < 200; n++) {
      for (const id of ['a', 'b', 'c'])
        sends.push(host.send('counter', id, { type: 'ADD', n }, { create: {} }));
    }
    await Promise.all(sends);
    for (const id of ['a', 'b', 'c']) {
      const persisted = await host.peek('counter', id);
      assert.equal((persisted!.context as { seen: number[] }).seen, [...Array(200).keys()]);
    }
  });
});

test('group commit puts many actors into few batches', async () => {
  await withHost(async (host) => {
    const before = host.commitStats.batches;
    await Promise.all(
      [...Array(500).keys()].map((n) => host.send('counter', `c${n}`, { type: 'ADD', n }, { create: {} })),
    );
    const stats = host.commitStats;
    assert.ok(stats.batches - before < 50, `expected few batches, got ${stats.batches - before}`);
    assert.ok(stats.ops >= 500);
  });
});

test('idle actors are passivated under the LRU bound and reactivate from their snapshot', async () => {
  await withHost(
    async (host) => {
      for (let n = 0; n < 50; n++) await host.send('counter', `c${n}`, { type: 'ADD', n }, { create: {} });
      assert.ok(host.liveCount <= 10, `live ${host.liveCount}`);
      assert.is(host.isLive('counter', 'c0'), false);
      const snapshot = await host.send('counter', 'c0', { type: 'ADD', n: 99 });
      assert.equal((snapshot.context as { seen: number[] }).seen, [0, 99]);
    },
    { maxLive: 10 },
  );
});

test("a kind's own live bound passivates its idle actors while other kinds stay live", async () => {
  const bounded = kinds.map((kind) => (kind.name === 'counter' ? { ...kind, maxLive: 3 } : kind));
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  const host = new ActorHost(store, bounded as never, { maxLive: 100 });
  try {
    for (let n = 0; n < 8; n++) {
      await host.send('counter', `c${n}`, { type: 'ADD', n }, { create: {} });
      await host.create('alarm', `a${n}`, { deadline: Date.now() + 3_600_000 });
    }
    assert.equal(host.liveIds('counter').sort(), ['c5', 'c6', 'c7']);
    assert.is(host.liveIds('alarm').length, 8);
    // A passivated counter comes back from its snapshot, and the least recently used one leaves.
    const snapshot = await host.send('counter', 'c0', { type: 'ADD', n: 99 });
    assert.equal((snapshot.context as { seen: number[] }).seen, [0, 99]);
    assert.equal(host.liveIds('counter').sort(), ['c0', 'c6', 'c7']);
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
});

test('a failing actor is contained: the caller gets ACTOR_FAILED, its last snapshot stays, others go on', async () => {
  await withHost(async (host) => {
    await host.send('counter', 'x', { type: 'ADD', n: 1 }, { create: {} });
    try {
      await host.send('counter', 'x', { type: 'BOOM' });
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isPatchbayError(error, 'ACTOR_FAILED'));
    }
    assert.is(host.isLive('counter', 'x'), false);
    const again = await host.send('counter', 'x', { type: 'ADD', n: 2 });
    assert.equal((again.context as { seen: number[] }).seen, [1, 2]);
    const other = await host.send('counter', 'y', { type: 'ADD', n: 3 }, { create: {} });
    assert.equal((other.context as { seen: number[] }).seen, [3]);
  });
});

test('sendAll delivers events in order and commits them once; a failing one leaves the batch unstored', async () => {
  await withHost(async (host) => {
    await host.send('counter', 'x', { type: 'ADD', n: 1 }, { create: {} });
    const before = host.commitStats;
    const notes: number[] = [];
    const snapshot = await host.sendAll(
      'counter',
      'x',
      [
        { type: 'ADD', n: 2 },
        { type: 'ADD', n: 3 },
      ],
      {
        alsoWrite: (_after, _before, event) => {
          notes.push((event as { n: number }).n);
          return [];
        },
      },
    );
    assert.equal((snapshot.context as { seen: number[] }).seen, [1, 2, 3]);
    assert.equal(notes, [2, 3]);
    const after = host.commitStats;
    assert.is(after.ops - before.ops, 1, 'one snapshot write for both events');
    try {
      await host.sendAll('counter', 'x', [{ type: 'ADD', n: 4 }, { type: 'BOOM' }]);
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isPatchbayError(error, 'ACTOR_FAILED'));
    }
    const stored = (await host.peek('counter', 'x')) as unknown as { context: { seen: number[] } };
    assert.equal(stored.context.seen, [1, 2, 3], 'nothing of the failed batch was stored');
    try {
      await host.sendAll('counter', 'nobody', [{ type: 'ADD', n: 1 }]);
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isPatchbayError(error, 'ACTOR_NOT_FOUND'));
    }
  });
});

test('a send that changes nothing waits for the commit still in flight, and fails with it', async () => {
  await withHost(async (host, _reopen, store) => {
    await host.send('counter', 'x', { type: 'ADD', n: 1 }, { create: {} });
    const changing = host.send('counter', 'x', { type: 'ADD', n: 2 });
    // Like a resend the actor ignores: nothing changes, but its answer rests on the commit before.
    const unchanged = host.send('counter', 'x', { type: 'IGNORED' } as never);
    const closing = store.close();
    const [first, second] = await Promise.allSettled([changing, unchanged]);
    assert.is(first.status, 'rejected');
    assert.is(second.status, 'rejected', 'not answered as done while the write it rests on failed');
    await closing;
  });
});

test('sendAll drops the actor from memory when a write for one of its events fails to build', async () => {
  await withHost(async (host) => {
    await host.send('counter', 'x', { type: 'ADD', n: 1 }, { create: {} });
    try {
      await host.sendAll(
        'counter',
        'x',
        [
          { type: 'ADD', n: 2 },
          { type: 'ADD', n: 3 },
        ],
        {
          alsoWrite: (_after, _before, event) => {
            if ((event as { n: number }).n === 3) throw new Error('no entry for you');
            return [];
          },
        },
      );
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.match(String(error), /no entry for you/);
    }
    assert.is(host.isLive('counter', 'x'), false);
    const next = await host.send('counter', 'x', { type: 'ADD', n: 4 });
    assert.equal((next.context as { seen: number[] }).seen, [1, 4], 'nothing of the failed batch');
  });
});

test('a timer kept as a deadline in context fires after a restart and its result is persisted', async () => {
  await withHost(async (host, reopen) => {
    // The deadline must fall after the restart: 2 s leaves a loaded machine room for the close,
    // reopen and start (a deadline passed by then fires in the old host or during start()).
    await host.create('alarm', 'wake', { deadline: Date.now() + 2000 });
    const reopened = await reopen();
    assert.is(reopened.isLive('alarm', 'wake'), true);
    await eventually(
      () => reopened.peek('alarm', 'wake'),
      (persisted) => persisted?.value === 'rung',
      15_000,
      'the alarm rung',
    );
    await reopened.flush();
    const persisted = await reopened.peek('alarm', 'wake');
    assert.is(persisted!.value, 'rung');
    const afterRing = await reopen();
    assert.is(afterRing.isLive('alarm', 'wake'), false);
    assert.is((await afterRing.peek('alarm', 'wake'))!.value, 'rung');
  });
});

test('alsoWrite commits projected records atomically with the snapshot', async () => {
  await withHost(async (host) => {
    await host.create('update', 'u1', { updateId: 'u1' });
    const records: string[] = [];
    await host.send(
      'update',
      'u1',
      { type: 'MARK_GA', at },
      {
        alsoWrite: (snapshot) => {
          const read = readUpdateLifecycle(snapshot.value);
          records.push(read === 'deleted' ? 'deleted' : read.state);
          return [];
        },
      },
    );
    assert.equal(records, ['GA']);
  });
});

test('the inspection log records events and snapshots per actor', async () => {
  await withHost(async (host) => {
    await host.create('update', 'u1', { updateId: 'u1' });
    await host.send('update', 'u1', { type: 'MARK_GA', at });
    const records = host.inspection.recent('update', 'u1', 10);
    assert.ok(records.some((record) => record.type === 'event' && record.event?.type === 'MARK_GA'));
    const last = records.at(-1)!;
    assert.is(last.type, 'snapshot');
    assert.equal(last.value, { catalog: { state: 'GA', priority: 'normal' } });
  });
});

test('a kind inspected by the host records the same: its sends, their snapshots, and timer-driven snapshots', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  const host = new ActorHost(store, [
    { name: 'update', logic: updateLifecycle, inspection: 'host' },
    { name: 'alarm', logic: alarm, inspection: 'host', keepAlive: () => true },
  ] as never);
  try {
    await host.create('update', 'u1', { updateId: 'u1' });
    await host.send('update', 'u1', { type: 'MARK_GA', at });
    const records = host.inspection.recent('update', 'u1', 10);
    assert.equal(
      records.map((record) => [record.type, record.event?.type]),
      [
        ['snapshot', 'xstate.init'],
        ['event', 'MARK_GA'],
        ['snapshot', 'MARK_GA'],
      ],
    );
    assert.equal(records.at(-1)!.value, { catalog: { state: 'GA', priority: 'normal' } });
    // An event the state ignores is still shown as delivered, with no new snapshot after it.
    await host.send('update', 'u1', { type: 'NO_SUCH_EVENT' } as never);
    assert.equal(host.inspection.recent('update', 'u1', 1)[0]!.event?.type, 'NO_SUCH_EVENT');
    await host.create('alarm', 'a1', { deadline: Date.now() + 20 });
    await eventually(
      async () => host.inspection.recent('alarm', 'a1', 10).at(-1)?.value,
      (value) => value === 'rung',
      5_000,
      'the timer-driven snapshot in the inspection log',
    );
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
});

test('a kind projection commits with timer-driven snapshots too, and onCommitted sees them after the commit', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  const closing = async () => {
    await host.close();
    await store.close();
    await cleanup();
  };
  const projected: string[] = [];
  const host = new ActorHost(store, [
    {
      name: 'alarm',
      logic: alarm,
      keepAlive: (snapshot: { value: unknown }) => snapshot.value === 'waiting',
      project: (id: string, snapshot: { value: unknown }, previous: { value: unknown } | undefined) => {
        projected.push(`${String(previous?.value)}→${String(snapshot.value)}`);
        return [{ type: 'put', sublevel: store.sublevel('alarmLog'), key: id, value: snapshot.value }];
      },
    } as never,
  ]);
  const committed: unknown[] = [];
  host.onCommitted((kind, id, snapshot) =>
    committed.push([kind, id, (snapshot as { value: unknown }).value]),
  );
  try {
    await host.create('alarm', 'a1', { deadline: Date.now() + 50 });
    await until(() => committed.length === 2);
    await host.flush();
    assert.equal(projected, ['undefined→waiting', 'waiting→rung']);
    assert.is(await store.sublevel('alarmLog').get('a1'), 'rung');
    assert.equal(committed, [
      ['alarm', 'a1', 'waiting'],
      ['alarm', 'a1', 'rung'],
    ]);
  } finally {
    await closing();
  }
});

test.run();
