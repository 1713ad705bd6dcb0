import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  type InstallerInput,
  type InstallTask,
  install,
  installNeedsWake,
  installPhase,
} from '../../machines/install.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import type { AgentEvent } from '../../src/domain/agentEvent.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';
import { createScriptedActor } from '../helpers/scriptedActor.ts';

const task: InstallTask = {
  updateId: 'u1',
  action: 'install',
  application: 'Desk App',
  productLine: 'CIC',
  version: '15.01.02.07',
  upgradeCode: 'UC',
  productCode: 'PC',
  installType: 'Patch',
  installProperties: {},
  file: '/d/downloads/abc',
};

function start(options: { task?: InstallTask; maxAttempts?: number; snapshot?: unknown } = {}) {
  const installer = createScriptedActor<InstallerInput>();
  const clock = createFakeClock(10_000);
  const machine = install.provide({ actors: { installer: installer.logic, timer: createTimerLogic(clock) } });
  const actor = createActor(machine, {
    input: {
      task: options.task ?? task,
      maxAttempts: options.maxAttempts,
      backoff: { baseMs: 100, maxMs: 1000 },
    },
    snapshot: options.snapshot as any,
  });
  const reported: AgentEvent[] = [];
  actor.on('agent.event', (emitted) => reported.push(emitted.event));
  actor.start();
  const run = () => installer.last();
  return { actor, installer, run, clock, reported, phase: () => installPhase(actor.getSnapshot().value) };
}

const machine = suite('install machine');

machine('starts queued with the installer invoked for attempt 1', () => {
  const { phase, installer } = start();
  assert.is(phase(), 'queued');
  assert.is(installer.last().input.attempt, 1);
});

machine('INSTALLER.STARTED → running, reports install.started', () => {
  const { run, phase, reported } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  assert.is(phase(), 'running');
  assert.equal(
    reported.map((e) => e.type),
    ['install.started'],
  );
});

machine('succeeded → done with outcome succeeded, reports install.succeeded', () => {
  const { run, actor, reported } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'succeeded', exitCode: 0 } });
  assert.is(actor.getSnapshot().value, 'done');
  assert.is(actor.getSnapshot().context.outcome, 'succeeded');
  assert.equal(
    reported.map((e) => e.type),
    ['install.started', 'install.succeeded'],
  );
});

machine('restartRequired → done with that outcome, reports install.succeeded then restart.required', () => {
  const { run, actor, reported } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'restartRequired', exitCode: 3010 } });
  assert.is(actor.getSnapshot().context.outcome, 'restartRequired');
  assert.equal(
    reported.map((e) => e.type),
    ['install.started', 'install.succeeded', 'restart.required'],
  );
});

machine('failed → failed with INSTALL_FAILED, exit code and log, reports install.failed', () => {
  const { run, actor, reported } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({
    type: 'INSTALLER.DONE',
    result: { status: 'failed', exitCode: 2, logFile: '/d/logs/u1.log' },
  });
  const { value, context } = actor.getSnapshot();
  assert.is(value, 'failed');
  assert.is(context.error?.code, 'INSTALL_FAILED');
  assert.is(context.exitCode, 2);
  const last = reported.at(-1)!;
  assert.is(last.type, 'install.failed');
  assert.is(last.detail?.logFile, '/d/logs/u1.log');
});

machine('interrupted (found half-done after a restart) → failed with INSTALL_INTERRUPTED, never done', () => {
  const { run, actor, reported } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'interrupted', message: 'was running at crash' } });
  assert.is(actor.getSnapshot().value, 'failed');
  assert.is(actor.getSnapshot().context.error?.code, 'INSTALL_INTERRUPTED');
  assert.is(reported.at(-1)?.detail?.code, 'INSTALL_INTERRUPTED');
});

machine('a removal reports remove.succeeded', () => {
  const { run, reported } = start({ task: { ...task, action: 'remove', file: undefined } });
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'succeeded' } });
  assert.equal(
    reported.map((e) => e.type),
    ['install.started', 'remove.succeeded'],
  );
});

machine('a failed removal reports remove.failed', () => {
  const { run, reported } = start({ task: { ...task, action: 'remove', file: undefined } });
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'failed' } });
  assert.is(reported.at(-1)?.type, 'remove.failed');
});

machine('CANCEL while queued → cancelled (a pending install is dropped)', () => {
  const { actor, installer, reported } = start();
  actor.send({ type: 'CANCEL' });
  assert.is(actor.getSnapshot().value, 'cancelled');
  assert.is(installer.last().stopped, true);
  assert.equal(
    reported.map((e) => e.type),
    ['install.cancelled'],
  );
});

machine('CANCEL while running is refused: a running install finishes', () => {
  const { run, actor, phase } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  assert.is(actor.getSnapshot().can({ type: 'CANCEL' }), false);
  actor.send({ type: 'CANCEL' });
  assert.is(phase(), 'running');
});

machine('an abort-safe installer answering cancelled → cancelled', () => {
  const { run, actor } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'cancelled' } });
  assert.is(actor.getSnapshot().value, 'cancelled');
});

machine('a retryable failure with attempts left → retrying, then active again after the backoff', () => {
  const { run, actor, clock, installer, phase } = start({ maxAttempts: 2 });
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'failed', retryable: true } });
  assert.is(phase(), 'retrying');
  assert.is(actor.getSnapshot().context.retryAt, clock.now() + 100);
  clock.advance(100);
  assert.is(phase(), 'queued');
  assert.is(installer.last().input.attempt, 2);
});

machine('a retryable failure without attempts left → failed', () => {
  const { run, phase } = start({ maxAttempts: 1 });
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'failed', retryable: true } });
  assert.is(phase(), 'failed');
});

machine('RESUME after failure → queued with attempts reset', () => {
  const { run, actor, phase } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  run().send({ type: 'INSTALLER.DONE', result: { status: 'failed' } });
  actor.send({ type: 'RESUME' });
  assert.is(phase(), 'queued');
  assert.is(actor.getSnapshot().context.attempts, 0);
});

machine('a restored running install restarts the installer (which must detect the interrupted run)', () => {
  const first = start();
  first.run().send({ type: 'INSTALLER.STARTED' });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  const second = start({ snapshot: persisted });
  assert.is(second.phase(), 'running');
  assert.is(second.installer.runs.length, 1);
});

machine('installNeedsWake is true while running, false once failed', () => {
  const { run, actor } = start();
  run().send({ type: 'INSTALLER.STARTED' });
  assert.is(installNeedsWake(actor.getSnapshot()), true);
  run().send({ type: 'INSTALLER.DONE', result: { status: 'failed' } });
  assert.is(installNeedsWake(actor.getSnapshot()), false);
});

machine.run();
