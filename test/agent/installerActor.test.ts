import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, waitFor } from 'xstate';
import { type InstallTask, install } from '../../machines/install.ts';
import { createInstallerLogic } from '../../src/agent/installerActor.ts';
import { ArchiveInstaller } from '../../src/agent/installers/archiveInstaller.ts';
import { InstallJournal } from '../../src/agent/installJournal.ts';
import { Inventory } from '../../src/agent/inventory.ts';
import { TaskQueues } from '../../src/agent/taskQueues.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import type { AgentEvent } from '../../src/domain/agentEvent.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';

async function setup() {
  const dataDir = await mkdtemp(join(tmpdir(), 'pb-installer-'));
  const src = join(dataDir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'app.txt'), 'v1');
  const file = join(dataDir, 'pkg.tar.gz');
  await tar.c({ gzip: true, file, cwd: src }, ['app.txt']);
  const inventory = await Inventory.open(join(dataDir, 'inventory.json'));
  const journal = new InstallJournal(dataDir);
  const queues = new TaskQueues({ downloads: 1 });
  const installer = new ArchiveInstaller({ appsDir: join(dataDir, 'apps'), inventory });
  const logic = createInstallerLogic({ queues, installer, journal, inventory, dataDir });
  const machine = install.provide({
    actors: { installer: logic, timer: createTimerLogic(createFakeClock()) },
  });
  const task: InstallTask = {
    updateId: 'u1',
    action: 'install',
    application: 'Desk App',
    productLine: 'CIC',
    version: '15.01.00.00',
    upgradeCode: 'UC',
    productCode: 'PC',
    installType: 'Install',
    installProperties: {},
    file,
  };
  const begin = (t: InstallTask = task) => {
    const actor = createActor(machine, { input: { task: t } });
    const reported: AgentEvent[] = [];
    actor.on('agent.event', (e) => reported.push(e.event));
    actor.start();
    return { actor, reported };
  };
  return { dataDir, inventory, journal, queues, task, begin };
}

const actor = suite('createInstallerLogic (install machine end to end)');

actor('an install reaches done, updates the inventory and clears the journal', async () => {
  const t = await setup();
  const { actor, reported } = t.begin();
  const snapshot = await waitFor(actor, (s) => s.status === 'done');
  assert.is(snapshot.context.outcome, 'succeeded');
  assert.equal(t.inventory.get('UC')?.updates, ['u1']);
  assert.is(await readFile(join(t.dataDir, 'apps', 'desk-app', 'current', 'app.txt'), 'utf8'), 'v1');
  assert.is(await t.journal.interruptedSince('u1'), undefined);
  assert.equal(
    reported.map((e) => e.type),
    ['install.started', 'install.succeeded'],
  );
});

actor('a marker left by a killed agent → failed with INSTALL_INTERRUPTED, installer not rerun', async () => {
  const t = await setup();
  await t.journal.begin('u1', '2024-01-10T03:00:00.000Z');
  const { actor, reported } = t.begin();
  const snapshot = await waitFor(actor, (s) => s.value === 'failed');
  assert.is(snapshot.context.error?.code, 'INSTALL_INTERRUPTED');
  assert.match(snapshot.context.error?.message ?? '', /2024-01-10T03:00:00.000Z/);
  assert.is(reported.at(-1)?.type, 'install.failed');
  assert.is(existsSync(join(t.dataDir, 'apps', 'desk-app', 'current')), false);
  assert.is(await t.journal.interruptedSince('u1'), undefined);
});

actor('after an interrupted report, RESUME installs for real', async () => {
  const t = await setup();
  await t.journal.begin('u1', 'earlier');
  const { actor } = t.begin();
  await waitFor(actor, (s) => s.value === 'failed');
  actor.send({ type: 'RESUME' });
  await waitFor(actor, (s) => s.status === 'done');
  assert.equal(t.inventory.get('UC')?.updates, ['u1']);
});

actor('a queued install dropped by a queue cancel → cancelled', async () => {
  const t = await setup();
  let release = () => {};
  void t.queues.install(
    'blocker',
    () =>
      new Promise<void>((resolve) => {
        release = resolve;
      }),
  );
  const { actor, reported } = t.begin();
  t.queues.cancel();
  await waitFor(actor, (s) => s.value === 'cancelled');
  assert.equal(
    reported.map((e) => e.type),
    ['install.cancelled'],
  );
  release();
});

actor('a removal rolls back through the installer and reports remove.succeeded', async () => {
  const t = await setup();
  const first = t.begin();
  await waitFor(first.actor, (s) => s.status === 'done');
  const { actor, reported } = t.begin({ ...t.task, action: 'remove', file: undefined });
  await waitFor(actor, (s) => s.status === 'done');
  assert.equal(t.inventory.list(), []);
  assert.is(reported.at(-1)?.type, 'remove.succeeded');
});

actor.run();
