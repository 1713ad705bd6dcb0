import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Outbox } from '../../src/agent/outbox.ts';
import { Store } from '../../storage/Store.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const opened = createCleanups();

/** A fresh folder (removed after the test) and a store opened in it. */
async function tempStore(): Promise<{ dir: string; store: Store }> {
  const { dir, cleanup } = await makeTempDir();
  opened.defer(cleanup);
  return { dir, store: await openStore(dir) };
}

/** Opens the store in `dir`, closed after the test unless the test closed it. */
async function openStore(dir: string): Promise<Store> {
  return opened.add(await Store.open(dir), (store) => store.close());
}

const outbox = suite('Outbox');
outbox.after.each(opened.release);

outbox('staged events become rows with increasing seq only when their ops are written', async () => {
  const { store } = await tempStore();
  const box = await Outbox.open(store, () => Date.parse('2024-01-10T12:00:00Z'));
  box.stage('download/u1', { type: 'download.started', updateId: 'u1' });
  box.stage('install/x', { type: 'install.started', updateId: 'u2' });
  box.stage('download/u1', { type: 'download.succeeded', updateId: 'u1' });
  assert.equal(await box.read(10), []);
  await store.batch(box.opsFor('download/u1'));
  await store.batch(box.opsFor('install/x'));
  const rows = await box.read(10);
  assert.equal(
    rows.map((row) => [row.seq, row.type]),
    [
      [1, 'download.started'],
      [2, 'download.succeeded'],
      [3, 'install.started'],
    ],
  );
  assert.is(rows[0]?.at, '2024-01-10T12:00:00.000Z');
  assert.equal(box.opsFor('download/u1'), []);
});

outbox('delivered rows are deleted and the sequence continues after a reopen, never reused', async () => {
  const { dir, store: first } = await tempStore();
  let store = first;
  let box = await Outbox.open(store);
  box.stage('a', { type: 'check.failed' });
  box.stage('a', { type: 'check.failed' });
  await store.batch(box.opsFor('a'));
  await store.batch(box.deleteOps(await box.read(10)));
  assert.is(await box.size(), 0);
  await store.close();
  store = await openStore(dir);
  box = await Outbox.open(store);
  box.stage('a', { type: 'check.failed' });
  await store.batch(box.opsFor('a'));
  assert.equal(
    (await box.read(10)).map((row) => row.seq),
    [3],
  );
});

outbox('listeners hear each event as its ops are made', async () => {
  const { store } = await tempStore();
  const box = await Outbox.open(store);
  const heard: number[] = [];
  const off = box.subscribe((entry) => heard.push(entry.seq));
  box.stage('a', { type: 'check.failed' });
  box.opsFor('a');
  off();
  box.stage('a', { type: 'check.failed' });
  box.opsFor('a');
  assert.equal(heard, [1]);
  assert.ok(box.takeFresh());
  assert.not.ok(box.takeFresh());
});

outbox.run();
