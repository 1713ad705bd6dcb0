import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EventReporter } from '../../src/agent/eventReporter.ts';
import { Outbox } from '../../src/agent/outbox.ts';
import { Store } from '../../storage/Store.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { until } from '../helpers/deferredActor.ts';
import { startFakeProvider } from '../helpers/fakeProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const options = { maxMessageSize: 262_144, sendTimeoutMs: 2000 };
const opened = createCleanups();

async function setup(count: number) {
  const { dir, cleanup } = await makeTempDir();
  opened.defer(cleanup);
  const store = opened.add(await Store.open(dir), (s) => s.close());
  const outbox = await Outbox.open(store);
  for (let i = 0; i < count; i++) outbox.stage('a', { type: 'download.started', updateId: `u${i}` });
  await store.batch(outbox.opsFor('a'));
  return { store, outbox };
}

const reporter = suite('EventReporter');
reporter.after.each(opened.release);

reporter('delivers in order in batches and deletes only what a provider accepted', async () => {
  const t = await setup(5);
  const provider = opened.add(
    await startFakeProvider({ '/agent/v1/events': { status: 202, body: {} } }),
    (p) => p.close(),
  );
  const sender = new EventReporter({
    outbox: t.outbox,
    machineId: 'm1',
    providers: () => [provider.url],
    client: options,
    commit: (ops) => t.store.batch(ops),
    batchSize: 2,
  });
  opened.add(sender, (s) => s.stop());
  sender.start();
  await until(() => sender.delivered === 5);
  await sender.stop();
  const sent = provider.received.flatMap(
    (r) => (r.body as { events: { seq: number; updateId: string }[] }).events,
  );
  assert.equal(
    sent.map((event) => event.seq),
    [1, 2, 3, 4, 5],
  );
  assert.is(provider.received.length, 3);
  assert.is(await t.outbox.size(), 0);
});

reporter('fails over to the next provider; while none answers the events stay on disk', async () => {
  const t = await setup(2);
  const down = opened.add(await startFakeProvider({ '/agent/v1/events': { status: 503 } }), (p) => p.close());
  const up = opened.add(await startFakeProvider({ '/agent/v1/events': { status: 503 } }), (p) => p.close());
  const sender = new EventReporter({
    outbox: t.outbox,
    machineId: 'm1',
    providers: () => [down.url, up.url],
    client: options,
    commit: (ops) => t.store.batch(ops),
    retry: { baseMs: 20, maxMs: 50 },
  });
  opened.add(sender, (s) => s.stop());
  sender.start();
  await until(() => up.received.length >= 2);
  assert.is(await t.outbox.size(), 2);
  up.answers.set('/agent/v1/events', { status: 202, body: {} });
  sender.poke();
  await until(() => sender.delivered === 2);
  assert.is(sender.lastProvider, up.url);
  assert.is(await t.outbox.size(), 0);
});

reporter.run();
