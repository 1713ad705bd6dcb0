// npm run bench:host — the virtual-actor host against raw classic-level batches, in one run.
import { createActor } from 'xstate';
import { updateLifecycle } from '../machines/updateLifecycle.ts';
import { UPDATE_KIND } from '../src/provider/updateKind.ts';
import { ActorHost } from '../src/runtime/ActorHost.ts';
import { Store } from '../storage/Store.ts';
import { makeTempDir } from '../test/helpers/tempDir.ts';
import { type BenchRow, formatNumber, writeBenchSection } from './benchmarksFile.ts';

const ACTORS = 10_000;
const EVENTS = 100_000;
const CONCURRENCY = 1_000;
const ACTIVATE = 100_000;
const at = new Date().toISOString();

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function hostThroughput(): Promise<{ eventsPerSecond: number; meanBatch: number }> {
  const { dir, cleanup } = await makeTempDir('pb-bench-');
  const store = await Store.open(dir);
  const host = new ActorHost(store, [UPDATE_KIND as never], { maxLive: ACTORS * 2, inspectionCapacity: 0 });
  await Promise.all(
    [...Array(ACTORS).keys()].map((n) => host.create('update', `u${n}`, { updateId: `u${n}` })),
  );
  const before = host.commitStats;
  const high = new Array<boolean>(ACTORS).fill(false);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < EVENTS) {
      const n = next++ % ACTORS;
      high[n] = !high[n];
      await host.send('update', `u${n}`, { type: high[n] ? 'SET_HIGH_PRIORITY' : 'CLEAR_HIGH_PRIORITY', at });
    }
  };
  await Promise.all([...Array(CONCURRENCY)].map(worker));
  const seconds = (performance.now() - started) / 1000;
  const after = host.commitStats;
  await host.close();
  await store.close();
  await cleanup();
  return {
    eventsPerSecond: EVENTS / seconds,
    meanBatch: (after.ops - before.ops) / (after.batches - before.batches),
  };
}

async function rawThroughput(batchSize: number): Promise<number> {
  const { dir, cleanup } = await makeTempDir('pb-bench-');
  const store = await Store.open(dir);
  const sublevel = store.sublevel('snapshots/update');
  const actor = createActor(updateLifecycle, { input: { updateId: 'u' } }).start();
  const snapshots = [actor.getPersistedSnapshot()];
  actor.send({ type: 'SET_HIGH_PRIORITY', at });
  snapshots.push(actor.getPersistedSnapshot());
  const started = performance.now();
  for (let written = 0; written < EVENTS; written += batchSize) {
    const ops = [];
    for (let n = written; n < Math.min(EVENTS, written + batchSize); n++) {
      ops.push({ type: 'put' as const, sublevel, key: `u${n % ACTORS}`, value: snapshots[n % 2] });
    }
    await store.batch(ops);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  await cleanup();
  return EVENTS / seconds;
}

/** XState alone: create and start an actor from the same snapshot, no store and no host. */
function bareXstateActivation(): number {
  const snapshot = createActor(updateLifecycle, { input: { updateId: 'u' } })
    .start()
    .getPersistedSnapshot();
  const started = performance.now();
  for (let n = 0; n < ACTIVATE; n++) {
    const actor = createActor(updateLifecycle, { input: { updateId: `u${n}` }, snapshot });
    actor.subscribe({ error: () => {} });
    actor.start();
  }
  return (performance.now() - started) / 1000;
}

async function activation(): Promise<{ seconds: number; heapPerActor: number }> {
  const { dir, cleanup } = await makeTempDir('pb-bench-');
  const store = await Store.open(dir, { sync: false });
  const seed = new ActorHost(store, [UPDATE_KIND as never], { inspectionCapacity: 0 });
  const snapshot = createActor(updateLifecycle, { input: { updateId: 'u' } })
    .start()
    .getPersistedSnapshot();
  for (let n = 0; n < ACTIVATE; n += 5000) {
    await seed.write(
      [...Array(5000).keys()].map((k) =>
        seed.snapshots.putOp('update', `u${n + k}`, {
          ...snapshot,
          context: { updateId: `u${n + k}`, wasEverGA: false },
        }),
      ),
    );
  }
  await seed.close();
  const host = new ActorHost(store, [UPDATE_KIND as never], { maxLive: ACTIVATE * 2, inspectionCapacity: 0 });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    // An event no state handles activates the actor without changing (or writing) anything.
    while (next < ACTIVATE) await host.send('update', `u${next++}`, { type: 'PING' } as never);
  };
  await Promise.all([...Array(100)].map(worker));
  const seconds = (performance.now() - started) / 1000;
  gc();
  const heapPerActor = (process.memoryUsage().heapUsed - heapBefore) / host.liveCount;
  await host.close();
  await store.close();
  await cleanup();
  return { seconds, heapPerActor };
}

const host = await hostThroughput();
const raw = await rawThroughput(Math.max(1, Math.round(host.meanBatch)));
const activated = await activation();
const bareSeconds = bareXstateActivation();
const ratio = host.eventsPerSecond / raw;
const rows: BenchRow[] = [
  {
    figure: `events/s through the host, durable group commit (${formatNumber(EVENTS)} events, ${formatNumber(ACTORS)} actors, ${CONCURRENCY} concurrent senders)`,
    goal: '≥ 0.5× raw',
    measured: formatNumber(host.eventsPerSecond),
    baseline: `${formatNumber(raw)} (raw classic-level batches of the same snapshots, ${formatNumber(host.meanBatch, 1)} per batch, fsync)`,
    ratio: `${ratio.toFixed(2)}×`,
    met: ratio >= 0.5,
  },
  {
    figure: `time to activate ${formatNumber(ACTIVATE)} actors from snapshots`,
    goal: '≤ 3 s',
    measured: `${activated.seconds.toFixed(2)} s`,
    baseline: `${bareSeconds.toFixed(2)} s (XState createActor + start from the same snapshot, no store, no host)`,
    ratio: `${(activated.seconds / bareSeconds).toFixed(2)}× the XState floor`,
    met: activated.seconds <= 3,
  },
  {
    figure: 'heap bytes per live actor (update lifecycle)',
    goal: 'report',
    measured: formatNumber(activated.heapPerActor),
  },
];
await writeBenchSection('host', 'Actor host (npm run bench:host)', 'npm run bench:host', rows);
console.table(rows);
