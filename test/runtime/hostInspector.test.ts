import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { updateLifecycle } from '../../machines/updateLifecycle.ts';
import { ActorHost } from '../../src/runtime/ActorHost.ts';
import type { InspectionRecord } from '../../src/runtime/actorInspector.ts';
import { createHostInspector, hostMachines } from '../../src/runtime/hostInspector.ts';
import { Store } from '../../storage/Store.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const at = '2026-01-01T00:00:00.000Z';
const kinds = [{ name: 'update', logic: updateLifecycle }];

async function withHost(run: (host: ActorHost) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  // One live actor at most, so the others are passivated and exist only in the store.
  const host = new ActorHost(store, kinds, { maxLive: 1 });
  await host.start();
  try {
    for (const id of ['u-a', 'u-b', 'u-c']) await host.create('update', id, { updateId: id });
    await run(host);
  } finally {
    await host.close();
    await store.close();
    await cleanup();
  }
}

const test = suite('createHostInspector');

test('listActors lists live actors first, then persisted ones, each once', async () => {
  await withHost(async (host) => {
    const actors = await createHostInspector(host).listActors({ kind: 'update' });
    assert.equal(actors.map((actor) => actor.id).sort(), ['u-a', 'u-b', 'u-c']);
    for (const actor of actors) assert.is(actor.live, host.isLive('update', actor.id), actor.id);
    const firstPersisted = actors.findIndex((actor) => !actor.live);
    assert.ok(actors.slice(firstPersisted).every((actor) => !actor.live));
    assert.ok(
      actors.some((actor) => !actor.live),
      'some actor was passivated',
    );
  });
});

test('listActors filters by id prefix and kind, and honours limit', async () => {
  await withHost(async (host) => {
    const inspector = createHostInspector(host);
    assert.equal(
      (await inspector.listActors({ search: 'u-b' })).map((actor) => actor.id),
      ['u-b'],
    );
    assert.equal(await inspector.listActors({ kind: 'fleetMember' }), []);
    assert.is((await inspector.listActors({ limit: 2 })).length, 2);
  });
});

test('getActor reads a passivated actor from the store and a live one from memory', async () => {
  await withHost(async (host) => {
    const inspector = createHostInspector(host);
    await host.send('update', 'u-a', { type: 'MARK_GA', at });
    for (const id of ['u-a', 'u-b']) {
      const actor = await inspector.getActor('update', id);
      assert.ok(actor, id);
      assert.is(actor.status, 'active');
      assert.equal((actor.context as { updateId: string }).updateId, id);
    }
    assert.equal((await inspector.getActor('update', 'u-a'))?.value, {
      catalog: { state: 'GA', priority: 'normal' },
    });
    assert.is(await inspector.getActor('update', 'nobody'), undefined);
    assert.is(await inspector.getActor('nokind', 'u-a'), undefined);
  });
});

test('subscribe and recentEvents see the event and the snapshot it led to', async () => {
  await withHost(async (host) => {
    const inspector = createHostInspector(host);
    const seen: InspectionRecord[] = [];
    const unsubscribe = inspector.subscribe((record) => seen.push(record));
    await host.send('update', 'u-b', { type: 'MARK_GA', at });
    unsubscribe();
    // Reactivating the passivated actor may record its restored snapshot first; the send comes last.
    const mine = seen.filter((record) => record.id === 'u-b').slice(-2);
    assert.equal(
      mine.map((record) => record.type),
      ['event', 'snapshot'],
    );
    assert.is(mine[0]!.event?.type, 'MARK_GA');
    assert.equal(mine[1]!.value, { catalog: { state: 'GA', priority: 'normal' } });
    assert.equal(
      inspector.recentEvents('update', 'u-b', 2).map((record) => record.seq),
      mine.map((record) => record.seq),
    );
  });
});

test.run();

const machines = suite('hostMachines');

machines('maps each kind the host runs to its machine', async () => {
  await withHost(async (host) => {
    assert.equal(Object.keys(hostMachines(host)), ['update']);
    assert.is(hostMachines(host).update, updateLifecycle);
  });
});

machines.run();
