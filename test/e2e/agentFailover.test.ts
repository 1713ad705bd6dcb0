import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { currentVersion, fixturePackage, publish } from '../helpers/agentFixtures.ts';
import { activity, E2eWorld, eventually } from '../helpers/e2eWorld.ts';

const test = suite('patchbay agent: provider failover (real providers and agent)');

test('(h) with the first provider killed the agent fails over to the second; events queued meanwhile arrive exactly once', async () => {
  const world = new E2eWorld();
  try {
    const [first, second] = await Promise.all([world.provider(), world.provider()]);
    const base = await fixturePackage('demo-server-25.01.00.10-install.tar.gz');
    const patch = await fixturePackage('demo-server-25.01.01.12-patch1.tar.gz');
    const baseId = await publish(first.url, base);
    const patchId = await publish(first.url, patch);
    // Checks only when asked (after the first one at start), so the test decides when failover happens.
    const agent = await world.agent(
      [first.url, second.url],
      { mode: 'download', checkInterval: { minMs: 60_000, maxMs: 60_000 } },
      { seed: [{ pkg: base, id: baseId }] },
    );
    await agent.waitFor(
      (s) => s.phase === 'ready' && s.unsentEvents === 0,
      20_000,
      'downloaded, reported to the first',
    );
    await first.kill();
    // Installing now makes events while the provider the agent knows is gone.
    await agent.apply();
    await agent.waitFor((s) => s.phase === 'idle' && s.updates.length === 0, 15_000, 'installed');
    assert.is(await currentVersion(agent.dir), patch.manifest.version);
    // The events wait on disk: the first provider is gone, the second does not know the machine yet.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok((await agent.status()).unsentEvents >= 2, 'queued while no provider takes them');
    // The next check fails over to the second provider, which then takes the queued events.
    assert.is((await agent.control('POST', '/check')).status, 202);
    await agent.waitFor(
      (s) => s.providers.includes(second.url) && s.unsentEvents === 0,
      15_000,
      'failed over',
    );
    const onSecond = await eventually(
      () => activity(second.url, agent.machineId),
      (list) => list.some((event) => event.type === 'install.succeeded'),
      10_000,
      'events on the second provider',
    );
    assert.equal(
      onSecond.map((event) => `${event.type} ${event.updateId}`),
      [`install.started ${patchId}`, `install.succeeded ${patchId}`],
    );
    // The first provider, back with its data, had the download events once and nothing after.
    const again = await world.provider(first.dir);
    const onFirst = await activity(again.url, agent.machineId);
    assert.equal(
      onFirst.map((event) => event.type),
      ['download.started', 'download.succeeded'],
    );
  } finally {
    await world.dispose();
  }
});

test.run();
