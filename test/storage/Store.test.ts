import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { PROVIDER_WRITE_BUFFER_BYTES } from '../../src/provider/ProviderCore.ts';
import { SCHEMA_VERSION } from '../../storage/migrations.ts';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import { SnapshotRepository } from '../../storage/SnapshotRepository.ts';
import { Store, type StoreOp } from '../../storage/Store.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('Store');
const opened = createCleanups();
test.after.each(opened.release);

/** A fresh folder, removed after the test. */
async function tempDir(): Promise<string> {
  const { dir, cleanup } = await makeTempDir();
  opened.defer(cleanup);
  return dir;
}

/** Opens the store in `dir`; it is closed after the test unless the test closed it. */
async function openStore(dir: string, writeBufferBytes?: number): Promise<Store> {
  return opened.add(await Store.open(dir, { writeBufferBytes }), (store) => store.close());
}

test('open writes the schema version into meta', async () => {
  const dir = await tempDir();
  const store = await openStore(dir);
  assert.is(await store.sublevel('meta').get('schemaVersion'), SCHEMA_VERSION);
});

test('schema 2 moves update activation counts out of the records', async () => {
  const dir = await tempDir();
  let store = await openStore(dir);
  await store.batch([
    { type: 'put', sublevel: store.sublevel('meta'), key: 'schemaVersion', value: 1 },
    { type: 'put', sublevel: store.sublevel('updates'), key: 'u1', value: { id: 'u1', activations: 7 } },
  ]);
  await store.close();
  store = await openStore(dir);
  assert.is(await store.sublevel('updateActivations').get('u1'), 7);
  assert.is(await store.sublevel('meta').get('schemaVersion'), 2);
});

test('open refuses a store written by a newer schema', async () => {
  const dir = await tempDir();
  const store = await openStore(dir);
  await store.batch([
    { type: 'put', sublevel: store.sublevel('meta'), key: 'schemaVersion', value: SCHEMA_VERSION + 1 },
  ]);
  await store.close();
  try {
    await openStore(dir);
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /schema/);
  }
});

test("a batch stores the same bytes as abstract-level's own batch, nested sublevels and deletes included", async () => {
  const ours = await openStore(await tempDir());
  const theirs = await openStore(await tempDir());
  const opsFor = (store: Store): StoreOp[] => [
    { type: 'put', sublevel: store.sublevel('records'), key: 'a', value: { n: 1, text: 'é ✓ \u0000' } },
    { type: 'put', sublevel: store.sublevel('records'), key: 'b', value: [1, 'two', null] },
    { type: 'put', sublevel: store.sublevel('snapshots/machine'), key: 'm1', value: 'on' },
    { type: 'put', sublevel: store.sublevel('snapshots/machine'), key: 'm2', value: 0 },
    { type: 'del', sublevel: store.sublevel('records'), key: 'b' },
  ];
  await ours.batch(opsFor(ours));
  await theirs.db.batch(opsFor(theirs) as never);
  const raw = async (store: Store) => {
    const rows: Array<[string, string]> = [];
    for await (const row of store.db.iterator({ keyEncoding: 'utf8', valueEncoding: 'utf8' } as never))
      rows.push(row as unknown as [string, string]);
    return rows.filter(([key]) => !key.startsWith('!meta!'));
  };
  const written = await raw(ours);
  assert.equal(written, await raw(theirs));
  assert.is(written.length, 3);
  assert.equal(await ours.sublevel('records').get('a'), { n: 1, text: 'é ✓ \u0000' });
  assert.is(await ours.sublevel('records').get('b'), undefined);
  assert.is(await ours.sublevel('snapshots/machine').get('m2'), 0);
  for (const value of [undefined, null]) {
    try {
      await ours.batch([
        { type: 'put', sublevel: ours.sublevel('records'), key: 'ok', value: 1 },
        { type: 'put', sublevel: ours.sublevel('records'), key: 'c', value },
      ]);
      assert.unreachable(`a ${value} value is refused`);
    } catch (error) {
      assert.ok(isPatchbayError(error), String(error));
    }
  }
  assert.is(await ours.sublevel('records').get('ok'), undefined, 'nothing of a refused batch is stored');
  assert.is(await ours.sublevel('records').get('c'), undefined);
});

test('a batch across sublevels lands whole and survives a reopen', async () => {
  const dir = await tempDir();
  let store = await openStore(dir);
  const records = new RecordRepository<{ n: number }>(store, 'things');
  const snapshots = new SnapshotRepository(store);
  await store.batch([records.putOp('a', { n: 1 }), snapshots.putOp('thing', 'a', { value: 'on' })]);
  await store.close();
  store = await openStore(dir);
  assert.equal(await new RecordRepository<{ n: number }>(store, 'things').get('a'), { n: 1 });
  assert.equal(await new SnapshotRepository(store).get('thing', 'a'), { value: 'on' });
});

test('a missing record is undefined, not an error', async () => {
  const dir = await tempDir();
  const store = await openStore(dir);
  assert.is(await new RecordRepository(store, 'things').get('nope'), undefined);
});

test('snapshot ids list by prefix and page after a key', async () => {
  const dir = await tempDir();
  const store = await openStore(dir);
  const snapshots = new SnapshotRepository(store);
  await store.batch(['m-a', 'm-b', 'm-c', 'x-a'].map((id) => snapshots.putOp('machine', id, {})));
  assert.equal(await snapshots.ids('machine', { prefix: 'm-' }), ['m-a', 'm-b', 'm-c']);
  assert.equal(await snapshots.ids('machine', { prefix: 'm-', gt: 'm-a', limit: 1 }), ['m-b']);
  assert.is(await snapshots.count('machine'), 4);
});

test('writes after close fail with STORE_NOT_OPEN', async () => {
  const dir = await tempDir();
  const store = await openStore(dir);
  await store.close();
  try {
    await new RecordRepository(store, 'things').put('a', {});
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'STORE_NOT_OPEN'));
  }
});

test('a bigger write buffer keeps more writes in memory before LevelDB makes table files', async () => {
  const tableFiles = async (writeBufferBytes?: number) => {
    const dir = await tempDir();
    const store = await openStore(dir, writeBufferBytes);
    const value = 'x'.repeat(1024);
    for (let batch = 0; batch < 12; batch++) {
      await store.batch(
        Array.from({ length: 1024 }, (_, i) => ({
          type: 'put' as const,
          sublevel: store.sublevel('records'),
          key: `k${batch}-${i}`,
          value,
        })),
      );
    }
    return (await readdir(join(dir, 'db'))).filter((file) => file.endsWith('.ldb')).length;
  };
  // 12 MiB written: LevelDB's 4 MiB buffer has become table files, the provider's 32 MiB has not.
  assert.ok((await tableFiles()) > 0);
  assert.is(await tableFiles(PROVIDER_WRITE_BUFFER_BYTES), 0);
});

test.run();
