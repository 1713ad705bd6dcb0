import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partialPath } from '../../src/agent/downloader.ts';
import { publish } from '../helpers/agentFixtures.ts';
import { makeBigPackage } from '../helpers/bigPackage.ts';
import type { ChildAgent } from '../helpers/childAgent.ts';
import { activity, E2eWorld, eventually } from '../helpers/e2eWorld.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const ROUNDS = 10;
const SIZE_MB = 3;
const RATE = 3 * 1024 * 1024;
// The install takes about a second, so a random kill lands in the download or in the install.
const INSTALLER = {
  type: 'command',
  install: ['/bin/sh', '-c', 'echo installing {version}; sleep 1; echo done'],
  uninstall: ['/bin/sh', '-c', 'echo removing {version}'],
};

const test = suite('agent killed (SIGKILL) at random points during downloads and installs');

async function inventoryLists(dir: string, updateId: string): Promise<boolean> {
  try {
    return (await readFile(join(dir, 'inventory.json'), 'utf8')).includes(updateId);
  } catch {
    return false;
  }
}

test(`${ROUNDS} kills: each restart resumes the download or reports the install, and ends installed`, async () => {
  const world = new E2eWorld();
  const temp = await makeTempDir('pb-crash-pkg-');
  try {
    const provider = await world.provider();
    const first = await makeBigPackage(temp.dir, '25.01.00.01', 0.01);
    const firstId = await publish(provider.url, first);
    const config = { mode: 'download', maxDownloadRate: RATE, installer: INSTALLER };
    let agent: ChildAgent & { dir: string } = await world.agent([provider.url], config, {
      seed: [{ pkg: first, id: firstId }],
    });
    const dir = agent.dir;
    const log: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Each round offers a newer release, so there is a new download and a new install to cut.
      const pkg = await makeBigPackage(temp.dir, `${25 + round}.01.00.01`, SIZE_MB);
      const updateId = await publish(provider.url, pkg);
      const size = pkg.bytes.length;
      await agent.waitFor((s) => s.updates.some((u) => u.id === updateId), 15_000, `round ${round} offered`);
      assert.is((await agent.control('POST', '/apply')).status, 202);
      const delay = Math.floor(Math.random() * 2000);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const before = await agent.status();
      const update = before.updates.find((u) => u.id === updateId);
      await agent.kill();
      const partialAtKill = await stat(partialPath(dir, pkg.manifest.sha256)).then(
        (s) => s.size,
        () => 0,
      );
      const journal = await stat(join(dir, 'installs', `${updateId}.running`)).then(
        () => true,
        () => false,
      );
      log.push(
        `round ${round}: kill after ${delay} ms (${before.phase}, download ${update?.download?.state ?? '-'} ${partialAtKill}/${size}, install ${update?.install?.state ?? '-'}${journal ? ', in flight' : ''})`,
      );
      agent = await world.agent([provider.url], config, { dir });
      // Drive the restarted agent to the end: applying again whatever failed or waits.
      await eventually(
        async () => {
          const status = await agent.status();
          const item = status.updates.find((u) => u.id === updateId);
          const listed = await inventoryLists(dir, updateId);
          if (!listed && item && !['downloading', 'installing', 'checking'].includes(status.phase)) {
            await agent.control('POST', '/apply').catch(() => {});
          }
          return listed && status.unsentEvents === 0 && !['downloading', 'installing'].includes(status.phase);
        },
        (done) => done,
        30_000,
        `round ${round} installed`,
      );
      const events = (await activity(provider.url, agent.machineId)).filter((e) => e.updateId === updateId);
      const types = events.map((event) => event.type);
      // Never silently done, and each event exactly once (the provider drops resent seqs): one
      // download, and every install that started has exactly one outcome.
      const count = (type: string) => types.filter((t) => t === type).length;
      assert.is(count('download.started'), 1, `round ${round}: ${types.join(', ')}`);
      assert.is(count('download.succeeded'), 1, `round ${round}: ${types.join(', ')}`);
      const starts = count('install.started');
      const outcomes = count('install.succeeded') + count('install.failed');
      assert.ok(starts >= 1 && outcomes === starts, `round ${round}: ${types.join(', ')}`);
      if (journal) {
        const interrupted = events.some(
          (e) => e.type === 'install.failed' && /INSTALL_INTERRUPTED/.test(e.detail ?? ''),
        );
        assert.ok(
          interrupted,
          `round ${round}: the cut install is reported INSTALL_INTERRUPTED: ${types.join(', ')}`,
        );
      }
      if (partialAtKill > 0) {
        // The download went on from the partial file: what came after the kill is at most the rest.
        const last = events.filter((e) => e.type === 'download.succeeded').at(-1);
        const transferred = Number(/bytesTransferred=(\d+)/.exec(last?.detail ?? '')?.[1]);
        assert.ok(
          transferred <= size - partialAtKill,
          `round ${round}: ${transferred} sent after ${partialAtKill} kept`,
        );
      }
      assert.ok(types.includes('install.succeeded') || types.includes('install.failed'), `round ${round}`);
    }
    // Where each kill landed, for the record (CI logs).
    process.stdout.write(`${log.join('\n')}\n`);
    assert.is(log.length, ROUNDS);
  } finally {
    await world.dispose();
    await temp.cleanup();
  }
});

test.run();
