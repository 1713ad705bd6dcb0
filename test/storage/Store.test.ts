import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { SCHEMA_VERSION } from '../../storage/migrations.ts';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import { SnapshotRepository } from '../../storage/SnapshotRepository.ts';
import { Store } from '../../storage/Store.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('Store');

test('open writes the schema version into meta', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  assert.is(await store.sublevel('meta').get('schemaVersion'), SCHEMA_VERSION);
  await store.close();
  await cleanup();
});

test('open refuses a store written by a newer schema', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  await store.batch([
    { type: 'put', sublevel: store.sublevel('meta'), key: 'schemaVersion', value: SCHEMA_VERSION + 1 },
  ]);
  await store.close();
  try {
    await Store.open(dir);
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /schema/);
  }
  await cleanup();
});

test('a batch across sublevels lands whole and survives a reopen', async () => {
  const { dir, cleanup } = await makeTempDir();
  let store = await Store.open(dir);
  const records = new RecordRepository<{ n: number }>(store, 'things');
  const snapshots = new SnapshotRepository(store);
  await store.batch([records.putOp('a', { n: 1 }), snapshots.putOp('thing', 'a', { value: 'on' })]);
  await store.close();
  store = await Store.open(dir);
  assert.equal(await new RecordRepository<{ n: number }>(store, 'things').get('a'), { n: 1 });
  assert.equal(await new SnapshotRepository(store).get('thing', 'a'), { value: 'on' });
  await store.close();
  await cleanup();
});

test('a missing record is undefined, not an error', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  assert.is(await new RecordRepository(store, 'things').get('nope'), undefined);
  await store.close();
  await cleanup();
});

test('snapshot ids list by prefix and page after a key', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  const snapshots = new SnapshotRepository(store);
  await store.batch(['m-a', 'm-b', 'm-c', 'x-a'].map((id) => snapshots.putOp('machine', id, {})));
  assert.equal(await snapshots.ids('machine', { prefix: 'm-' }), ['m-a', 'm-b', 'm-c']);
  assert.equal(await snapshots.ids('machine', { prefix: 'm-', gt: 'm-a', limit: 1 }), ['m-b']);
  assert.is(await snapshots.count('machine'), 4);
  await store.close();
  await cleanup();
});

test('writes after close fail with STORE_NOT_OPEN', async () => {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  await store.close();
  try {
    await new RecordRepository(store, 'things').put('a', {});
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'STORE_NOT_OPEN'));
  }
  await cleanup();
});

test.run();
