import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TaskQueues } from '../../src/agent/taskQueues.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';

/** Work a test finishes by hand; it records its signal and rejects when that signal aborts. */
function controllable() {
  const started: string[] = [];
  const signals = new Map<string, AbortSignal>();
  const finishers = new Map<string, (value: string) => void>();
  const work =
    (id: string, honourAbort = true) =>
    (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        started.push(id);
        signals.set(id, signal);
        finishers.set(id, resolve);
        if (honourAbort) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
  return { started, signals, finish: (id: string) => finishers.get(id)?.(`done:${id}`), work };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function settle<T>(promise: Promise<T>): Promise<string> {
  try {
    return String(await promise);
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

const queues = suite('TaskQueues');

queues('downloads run up to the configured concurrency; the rest wait', async () => {
  const q = new TaskQueues({ downloads: 2 });
  const c = controllable();
  for (const id of ['a', 'b', 'c']) void q.download(id, c.work(id)).catch(() => {});
  await tick();
  assert.equal(c.started, ['a', 'b']);
  assert.equal(q.status().download, { running: ['a', 'b'], pending: ['c'] });
  c.finish('a');
  await tick();
  assert.equal(c.started, ['a', 'b', 'c']);
});

queues('installs run one at a time', async () => {
  const q = new TaskQueues({ downloads: 2 });
  const c = controllable();
  void q.install('i1', c.work('i1'));
  void q.install('i2', c.work('i2'));
  await tick();
  assert.equal(c.started, ['i1']);
  c.finish('i1');
  await tick();
  assert.equal(c.started, ['i1', 'i2']);
});

queues('queuing the same id twice returns the same promise and runs once', async () => {
  const q = new TaskQueues({ downloads: 2 });
  const c = controllable();
  const first = q.download('a', c.work('a'));
  const second = q.download('a', c.work('a'));
  assert.is(first, second);
  await tick();
  c.finish('a');
  assert.is(await first, 'done:a');
  assert.equal(c.started, ['a']);
});

queues('onStart is called when a task leaves the queue', async () => {
  const q = new TaskQueues({ downloads: 1 });
  const c = controllable();
  const starts: string[] = [];
  void q.download('a', c.work('a'), { onStart: () => starts.push('a') });
  void q.download('b', c.work('b'), { onStart: () => starts.push('b') });
  await tick();
  assert.equal(starts, ['a']);
});

queues.run();

const cancel = suite('TaskQueues.cancel');

cancel('aborts running downloads and drops pending ones, which never start', async () => {
  const q = new TaskQueues({ downloads: 1 });
  const c = controllable();
  const running = q.download('a', c.work('a'));
  const pending = q.download('b', c.work('b'));
  await tick();
  const report = q.cancel();
  assert.equal(report.abortedDownloads, ['a']);
  assert.equal(report.droppedDownloads, ['b']);
  assert.ok(c.signals.get('a')?.aborted);
  assert.is(await settle(running), 'TASK_CANCELLED');
  assert.is(await settle(pending), 'TASK_CANCELLED');
  await tick();
  assert.equal(c.started, ['a']);
});

cancel('drops pending installs and lets a running install finish', async () => {
  const q = new TaskQueues({ downloads: 1 });
  const c = controllable();
  const running = q.install('i1', c.work('i1'));
  const pending = q.install('i2', c.work('i2'));
  await tick();
  const report = q.cancel();
  assert.equal(report.finishingInstalls, ['i1']);
  assert.equal(report.droppedInstalls, ['i2']);
  assert.is(c.signals.get('i1')?.aborted, false);
  assert.is(await settle(pending), 'TASK_CANCELLED');
  c.finish('i1');
  assert.is(await running, 'done:i1');
  await tick();
  assert.equal(c.started, ['i1']);
});

cancel('aborts a running install whose installer is abort-safe', async () => {
  const q = new TaskQueues({ downloads: 1 });
  const c = controllable();
  const running = q.install('i1', c.work('i1'), { abortSafe: true });
  await tick();
  const report = q.cancel();
  assert.equal(report.abortedInstalls, ['i1']);
  assert.is(await settle(running), 'TASK_CANCELLED');
});

cancel('a running download settles only when its work stops (slot not freed early)', async () => {
  const q = new TaskQueues({ downloads: 1 });
  const c = controllable();
  const slow = q.download('a', c.work('a', false));
  void q.download('b', c.work('b')).catch(() => {});
  await tick();
  q.cancel();
  void q.download('c', c.work('c'));
  await tick();
  assert.equal(c.started, ['a']);
  c.finish('a');
  assert.is(await slow, 'done:a');
  await tick();
  assert.equal(c.started, ['a', 'c']);
});

cancel('work queued after a cancel runs', async () => {
  const q = new TaskQueues({ downloads: 2 });
  const c = controllable();
  void q.download('a', c.work('a')).catch(() => {});
  await tick();
  q.cancel();
  const again = q.download('a2', c.work('a2'));
  await tick();
  c.finish('a2');
  assert.is(await again, 'done:a2');
});

cancel('re-queuing an id whose cancelled run is still winding down starts new work', async () => {
  const q = new TaskQueues({ downloads: 2 });
  const c = controllable();
  const old = q.download('a', c.work('a', false));
  await tick();
  q.cancel();
  const fresh = q.download('a', c.work('a'));
  assert.is.not(fresh, old);
  await tick();
  assert.equal(c.started, ['a', 'a']);
});

cancel('an idle cancel reports nothing', () => {
  const q = new TaskQueues({ downloads: 2 });
  assert.equal(q.cancel(), {
    abortedDownloads: [],
    droppedDownloads: [],
    droppedInstalls: [],
    abortedInstalls: [],
    finishingInstalls: [],
  });
});

cancel.run();

const options = suite('TaskQueues options');

options('a non-positive download concurrency is a TypeError', () => {
  assert.throws(() => new TaskQueues({ downloads: 0 }), TypeError);
});

options.run();
