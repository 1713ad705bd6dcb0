import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  type DownloadTask,
  download,
  downloadNeedsWake,
  downloadPhase,
  type TransferInput,
} from '../../machines/download.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import type { AgentEvent } from '../../src/domain/agentEvent.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';
import { createScriptedActor } from '../helpers/scriptedActor.ts';

const task: DownloadTask = {
  updateId: 'u1',
  sha256: 'a'.repeat(64),
  size: 100,
  urls: ['http://127.0.0.1:1/content/a'],
  signed: false,
};

function start(options: { snapshot?: unknown; clock?: ReturnType<typeof createFakeClock> } = {}) {
  const transfer = createScriptedActor<TransferInput>();
  const clock = options.clock ?? createFakeClock(1_000_000);
  const machine = download.provide({ actors: { transfer: transfer.logic, timer: createTimerLogic(clock) } });
  const actor = createActor(machine, {
    input: { task, retry: { maxAttempts: 3, baseMs: 1000, maxMs: 10_000 } },
    snapshot: options.snapshot as any,
  });
  const reported: AgentEvent[] = [];
  actor.on('agent.event', (emitted) => reported.push(emitted.event));
  actor.start();
  return { actor, transfer, clock, reported, phase: () => downloadPhase(actor.getSnapshot().value) };
}

const machine = suite('download machine');

machine('starts queued with the transfer invoked for attempt 1', () => {
  const { transfer, phase } = start();
  assert.is(phase(), 'queued');
  assert.is(transfer.runs.length, 1);
  assert.is(transfer.last().input.attempt, 1);
  assert.equal(transfer.last().input.task, task);
});

machine('TRANSFER.STARTED → running, reports download.started', () => {
  const { transfer, phase, reported, actor } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  assert.is(phase(), 'running');
  assert.is(actor.getSnapshot().context.attempts, 1);
  assert.equal(reported, [{ type: 'download.started', updateId: 'u1', detail: { attempt: 1 } }]);
});

machine('TRANSFER.DONE → done (final) with the file, reports download.succeeded', () => {
  const { transfer, actor, reported } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer.last().send({ type: 'TRANSFER.DONE', file: '/d/downloads/x', bytesTransferred: 40 });
  const snapshot = actor.getSnapshot();
  assert.is(snapshot.value, 'done');
  assert.is(snapshot.status, 'done');
  assert.is(snapshot.context.file, '/d/downloads/x');
  assert.is(reported.at(-1)?.type, 'download.succeeded');
  assert.equal(reported.at(-1)?.detail, { bytesTransferred: 40 });
});

machine('a retryable failure → retrying with the backoff deadline in context', () => {
  const { transfer, actor, clock } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer
    .last()
    .send({ type: 'TRANSFER.FAILED', error: { code: 'DOWNLOAD_FAILED', message: 'x', retryable: true } });
  const snapshot = actor.getSnapshot();
  assert.equal(snapshot.value, { retrying: 'waiting' });
  assert.is(snapshot.context.retryAt, clock.now() + 1000);
  assert.is(transfer.last().stopped, true);
});

machine('the retry timer firing re-enters active.queued with attempt 2', () => {
  const { transfer, clock, phase } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer
    .last()
    .send({ type: 'TRANSFER.FAILED', error: { code: 'DOWNLOAD_FAILED', message: 'x', retryable: true } });
  clock.advance(999);
  assert.is(phase(), 'retrying');
  clock.advance(1);
  assert.is(phase(), 'queued');
  assert.is(transfer.runs.length, 2);
  assert.is(transfer.last().input.attempt, 2);
});

machine('the second retry waits twice as long (exponential backoff)', () => {
  const { transfer, clock, actor } = start();
  for (let i = 0; i < 2; i += 1) {
    transfer.last().send({ type: 'TRANSFER.STARTED' });
    const failedAt = clock.now();
    transfer.last().send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: true } });
    assert.is(actor.getSnapshot().context.retryAt, failedAt + 1000 * 2 ** i);
    clock.advance(1000 * 2 ** i);
  }
});

machine('a non-retryable failure → failed, reports download.failed with the code', () => {
  const { transfer, actor, reported } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer.last().send({
    type: 'TRANSFER.FAILED',
    error: { code: 'CONTENT_HASH_MISMATCH', message: 'bad bytes', retryable: false },
  });
  assert.is(actor.getSnapshot().value, 'failed');
  assert.equal(reported.at(-1), {
    type: 'download.failed',
    updateId: 'u1',
    detail: { code: 'CONTENT_HASH_MISMATCH', message: 'bad bytes', attempts: 1 },
  });
});

machine('retries stop at maxAttempts → failed', () => {
  const { transfer, clock, actor } = start();
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    transfer.last().send({ type: 'TRANSFER.STARTED' });
    transfer.last().send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: true } });
    clock.advance(10_000);
  }
  assert.is(actor.getSnapshot().value, 'failed');
  assert.is(transfer.runs.length, 3);
});

machine('CANCEL while running → cancelled, transfer stopped, reports download.cancelled', () => {
  const { transfer, actor, reported } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  actor.send({ type: 'CANCEL' });
  assert.is(actor.getSnapshot().value, 'cancelled');
  assert.is(transfer.last().stopped, true);
  assert.is(reported.at(-1)?.type, 'download.cancelled');
});

machine('TRANSFER.CANCELLED (queue abort) → cancelled', () => {
  const { transfer, actor } = start();
  transfer.last().send({ type: 'TRANSFER.CANCELLED' });
  assert.is(actor.getSnapshot().value, 'cancelled');
});

machine('CANCEL while retrying → cancelled, deadline cleared', () => {
  const { transfer, actor, clock } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer.last().send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: true } });
  actor.send({ type: 'CANCEL' });
  assert.is(actor.getSnapshot().value, 'cancelled');
  assert.is(actor.getSnapshot().context.retryAt, undefined);
  assert.is(clock.pending(), 0);
});

machine('RESUME after cancel → active.queued with a fresh transfer', () => {
  const { transfer, actor, phase } = start();
  actor.send({ type: 'CANCEL' });
  actor.send({ type: 'RESUME' });
  assert.is(phase(), 'queued');
  assert.is(transfer.runs.length, 2);
});

machine('RESUME after failure resets the attempt count', () => {
  const { transfer, actor } = start();
  transfer.last().send({ type: 'TRANSFER.STARTED' });
  transfer.last().send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: false } });
  actor.send({ type: 'RESUME' });
  assert.is(actor.getSnapshot().context.attempts, 0);
  assert.is(transfer.last().input.attempt, 1);
});

machine('CANCEL in done is refused', () => {
  const { transfer, actor } = start();
  transfer.last().send({ type: 'TRANSFER.DONE', file: 'f', bytesTransferred: 1 });
  assert.is(actor.getSnapshot().can({ type: 'CANCEL' }), false);
});

machine('a restored running download restarts its transfer', () => {
  const first = start();
  first.transfer.last().send({ type: 'TRANSFER.STARTED' });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  const second = start({ snapshot: persisted });
  assert.is(second.phase(), 'running');
  assert.is(second.transfer.runs.length, 1);
});

machine('a restored retry waits only for the persisted deadline', () => {
  const clock = createFakeClock(5_000);
  const first = start({ clock });
  first.transfer.last().send({ type: 'TRANSFER.STARTED' });
  first.transfer
    .last()
    .send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: true } });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  clock.jumpTo(5_600);
  const second = start({ snapshot: persisted, clock });
  assert.is(second.phase(), 'retrying');
  clock.advance(399);
  assert.is(second.phase(), 'retrying');
  clock.advance(1);
  assert.is(second.phase(), 'queued');
});

machine('a retry deadline that passed while off fires at once on restore', () => {
  const clock = createFakeClock(5_000);
  const first = start({ clock });
  first.transfer.last().send({ type: 'TRANSFER.STARTED' });
  first.transfer
    .last()
    .send({ type: 'TRANSFER.FAILED', error: { code: 'E', message: 'x', retryable: true } });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  clock.jumpTo(60_000);
  const second = start({ snapshot: persisted, clock });
  assert.is(second.phase(), 'queued');
});

machine('downloadNeedsWake is true while queued or retrying, false once done', () => {
  const { transfer, actor } = start();
  assert.is(downloadNeedsWake(actor.getSnapshot()), true);
  transfer.last().send({ type: 'TRANSFER.DONE', file: 'f', bytesTransferred: 1 });
  assert.is(downloadNeedsWake(actor.getSnapshot()), false);
});

machine.run();
