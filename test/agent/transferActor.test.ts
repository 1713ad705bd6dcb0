import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, waitFor } from 'xstate';
import { type DownloadTask, download } from '../../machines/download.ts';
import { downloadedPath, partialPath } from '../../src/agent/downloader.ts';
import { TaskQueues } from '../../src/agent/taskQueues.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import { createTransferLogic } from '../../src/agent/transferActor.ts';
import type { AgentEvent } from '../../src/domain/agentEvent.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { startContentServer } from '../helpers/contentServer.ts';
import { until } from '../helpers/deferredActor.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';

const bytes = randomBytes(512 * 1024);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const opened = createCleanups();

async function setup(serverOptions = {}) {
  const server = opened.add(
    await startContentServer(new Map([[`/content/${sha256}`, bytes]]), serverOptions),
    (s) => s.close(),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'pb-transfer-'));
  const queues = opened.add(new TaskQueues({ downloads: 2 }), (q) => q.cancel());
  const progress: number[] = [];
  const transfer = createTransferLogic({
    queues,
    downloader: {
      dataDir,
      verifySignatures: true,
      trustedPublicKeys: [],
      retry: { rounds: 1, baseMs: 1, maxMs: 1 },
      progressIntervalMs: 0,
    },
    onProgress: (_id, p) => progress.push(p.bytes),
  });
  const machine = download.provide({ actors: { transfer, timer: createTimerLogic(createFakeClock()) } });
  const task: DownloadTask = {
    updateId: 'u1',
    sha256,
    size: bytes.length,
    urls: [`${server.url}/content/${sha256}`],
    signed: false,
  };
  const begin = (t: DownloadTask = task) => {
    const actor = opened.add(createActor(machine, { input: { task: t, retry: { maxAttempts: 1 } } }), (a) =>
      a.stop(),
    );
    const reported: AgentEvent[] = [];
    actor.on('agent.event', (e) => reported.push(e.event));
    actor.start();
    return { actor, reported };
  };
  return { server, dataDir, queues, progress, task, begin };
}

const transfer = suite('createTransferLogic (download machine end to end)');
transfer.after.each(opened.release);

transfer('a download reaches done with the verified file and progress', async () => {
  const t = await setup();
  const { actor, reported } = t.begin();
  const snapshot = await waitFor(actor, (s) => s.status === 'done');
  assert.is(snapshot.context.file, downloadedPath(t.dataDir, sha256));
  assert.ok((await readFile(snapshot.context.file!)).equals(bytes));
  assert.equal(
    reported.map((e) => e.type),
    ['download.started', 'download.succeeded'],
  );
  assert.is(t.progress.at(-1), bytes.length);
});

transfer('queue cancel mid-transfer → cancelled, partial kept; RESUME transfers only the rest', async () => {
  const t = await setup({ stallAfter: 200_000 });
  const { actor, reported } = t.begin();
  await until(() => (t.progress.at(-1) ?? 0) >= 200_000);
  t.queues.cancel();
  // The server stalls after 200 000 bytes and never ends the body, so the transfer cannot finish or
  // fail on its own: reaching `cancelled` proves the cancel interrupted it. The deadline only keeps
  // a broken cancel from hanging the run; it is no performance bound.
  await waitFor(actor, (s) => s.value === 'cancelled', { timeout: 10_000 });
  assert.is(reported.at(-1)?.type, 'download.cancelled');
  // A cancel returns at once and the received bytes reach the partial file in the background
  // (downloader.ts, `settling`): every byte reported before the cancel ends up there.
  const received = t.progress.at(-1)!;
  let partial = -1;
  for (const started = Date.now(); partial !== received && Date.now() - started < 10_000; ) {
    partial = (await stat(partialPath(t.dataDir, sha256))).size;
    if (partial !== received) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.is(partial, received, 'the partial file holds every byte received before the cancel');
  assert.ok(partial > 0);
  t.server.options = {};
  actor.send({ type: 'RESUME' });
  const done = await waitFor(actor, (s) => s.status === 'done');
  assert.is(done.context.bytesTransferred, bytes.length - partial);
});

transfer('a hash mismatch → failed with CONTENT_HASH_MISMATCH, nothing placed', async () => {
  const t = await setup();
  const wrong = { ...t.task, sha256: 'f'.repeat(64), urls: [`${t.server.url}/content/${sha256}`] };
  const { actor, reported } = t.begin(wrong);
  const snapshot = await waitFor(actor, (s) => s.value === 'failed');
  assert.is(snapshot.context.error?.code, 'CONTENT_HASH_MISMATCH');
  assert.is(reported.at(-1)?.type, 'download.failed');
  assert.is(reported.at(-1)?.detail?.code, 'CONTENT_HASH_MISMATCH');
  assert.is(existsSync(downloadedPath(t.dataDir, wrong.sha256)), false);
});

transfer('a machine CANCEL while queued removes the task from the queue', async () => {
  const t = await setup({ stallAfter: 1000 });
  // Two downloads stalled on the server fill both slots (the cleanup stops them).
  t.begin({ ...t.task, updateId: 'b1' });
  t.begin({ ...t.task, updateId: 'b2' });
  const { actor } = t.begin();
  assert.equal(t.queues.status().download.pending, ['u1']);
  actor.send({ type: 'CANCEL' });
  assert.equal(t.queues.status().download.pending, []);
});

transfer.run();
