import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EventReporter } from '../../src/agent/eventReporter.ts';
import { Outbox } from '../../src/agent/outbox.ts';
import { Store } from '../../storage/Store.ts';
import { until } from '../helpers/deferredActor.ts';
import { startFakeProvider } from '../helpers/fakeProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const options = { maxMessageSize: 262_144, sendTimeoutMs: 2000 };

async function setup(count: number) {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  const outbox = await Outbox.open(store);
  for (let i = 0; i < count; i++) outbox.stage('a', { type: 'download.started', updateId: `u${i}` });
  await store.batch(outbox.opsFor('a'));
  return {
    store,
    outbox,
    async dispose() {
      await store.close();
      await cleanup();
    },
  };
}

const reporter = suite('EventReporter');

reporter('delivers in order in batches and deletes only what a provider accepted', async () => {
  const t = await setup(5);
  const provider = await startFakeProvider({ '/agent/v1/events': { status: 202, body: {} } });
  const sender = new EventReporter({
    outbox: t.outbox,
    machineId: 'm1',
    providers: () => [provider.url],
    client: options,
    commit: (ops) => t.store.batch(ops),
    batchSize: 2,
  });
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
  await provider.close();
  await t.dispose();
});

reporter('fails over to the next provider; while none answers the events stay on disk', async () => {
  const t = await setup(2);
  const down = await startFakeProvider({ '/agent/v1/events': { status: 503 } });
  const up = await startFakeProvider({ '/agent/v1/events': { status: 503 } });
  const sender = new EventReporter({
    outbox: t.outbox,
    machineId: 'm1',
    providers: () => [down.url, up.url],
    client: options,
    commit: (ops) => t.store.batch(ops),
    retry: { baseMs: 20, maxMs: 50 },
  });
  sender.start();
  await until(() => up.received.length >= 2);
  assert.is(await t.outbox.size(), 2);
  up.answers.set('/agent/v1/events', { status: 202, body: {} });
  sender.poke();
  await until(() => sender.delivered === 2);
  assert.is(sender.lastProvider, up.url);
  assert.is(await t.outbox.size(), 0);
  await sender.stop();
  await down.close();
  await up.close();
  await t.dispose();
});

reporter.run();
