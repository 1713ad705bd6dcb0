import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Update } from '../../src/domain/update.ts';
import { openProviderCore, type ProviderCore } from '../../src/provider/ProviderCore.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('Catalog activations');

const manifest = {
  application: 'Client',
  productLine: 'CIC',
  release: '2015 R1',
  patch: 'Patch2',
  installType: 'Patch' as const,
  version: '15.01.02.00',
  upgradeCode: 'U1',
  productCode: 'P1',
  installProperties: {},
};

/**
 * Opens a provider core on a fresh folder with one update in it, runs `body`, then opens the folder
 * again and hands the update as stored to `after`.
 */
async function withUpdate(
  body: (core: ProviderCore, update: Update) => Promise<void>,
  after: (stored: Update) => void,
): Promise<void> {
  const { dir, cleanup } = await makeTempDir();
  try {
    const core = await openProviderCore({ dataDir: dir, sync: false });
    let id: string;
    try {
      const staged = await core.content.stage(Readable.from([Buffer.from('package')]));
      const update = await core.catalog.add(manifest, staged, 'client.tar.gz', false);
      id = update.id;
      await body(core, update);
    } finally {
      await core.close();
    }
    const reopened = await openProviderCore({ dataDir: dir, sync: false });
    try {
      after(reopened.catalog.require(id));
    } finally {
      await reopened.close();
    }
  } finally {
    await cleanup();
  }
}

test('activations ride in the caller commit, all counted, and survive a restart', async () => {
  await withUpdate(
    async (core, update) => {
      const pending = Array.from({ length: 50 }, () => core.catalog.activationOp(update.id)!);
      const before = core.host.commitStats.batches;
      await core.host.write(pending.map((activation) => activation.op));
      assert.is(core.host.commitStats.batches - before, 1);
      assert.is(core.catalog.require(update.id).activations, 0, 'memory waits for settle');
      for (const activation of pending) activation.settle(true);
      assert.is(core.catalog.require(update.id).activations, 50);
    },
    (stored) => assert.is(stored.activations, 50),
  );
});

test('after a failed commit the count is written again from what was committed', async () => {
  await withUpdate(
    async (core, update) => {
      // Two activations queued together; the first one's commit fails, the second one's lands and
      // carries both, so the store holds 2 until the count is written again.
      const failed = core.catalog.activationOp(update.id)!;
      const counted = core.catalog.activationOp(update.id)!;
      await core.host.write([counted.op]);
      failed.settle(false);
      counted.settle(true);
      assert.is(core.catalog.require(update.id).activations, 1);
      const stored = () => core.store.sublevel('updateActivations').getSync(update.id);
      assert.is(stored(), 2, 'the landed op carried the failed activation');
      await core.host.flush();
      assert.is(stored(), 1, 'written again from memory');
      const later = core.catalog.activationOp(update.id)!;
      await core.host.write([later.op]);
      later.settle(true);
      assert.is(core.catalog.require(update.id).activations, 2);
    },
    (stored) => assert.is(stored.activations, 2),
  );
});

test('a state change and an activation on their way together both land, in either order', async () => {
  await withUpdate(
    async (core, update) => {
      await core.catalog.changeState(update.id, 'GA');
      // The state change's op is queued first, the activation's after it.
      const inactive = core.catalog.changeState(update.id, 'Inactive');
      await new Promise((resolve) => process.nextTick(resolve));
      const first = core.catalog.activationOp(update.id)!;
      await core.host.write([first.op]);
      first.settle(true);
      assert.equal((await inactive).state, 'Inactive');
      assert.is((await core.catalog.records.get(update.id))?.state, 'Inactive', 'stored, not put back');
      // The activation's op is queued first, the change's after it.
      const second = core.catalog.activationOp(update.id)!;
      const writing = core.host.write([second.op]);
      const marked = core.catalog.setHighPriority(update.id, true);
      await writing;
      second.settle(true);
      const changed = await marked;
      assert.equal([changed.state, changed.highPriority, changed.activations], ['Inactive', true, 2]);
      assert.is(core.catalog.require(update.id).activations, 2);
    },
    (stored) => assert.equal([stored.state, stored.highPriority, stored.activations], ['Inactive', true, 2]),
  );
});

test('an update deleted while an activation is on its way stays deleted', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    let id: string;
    const core = await openProviderCore({ dataDir: dir, sync: false });
    try {
      const staged = await core.content.stage(Readable.from([Buffer.from('package')]));
      id = (await core.catalog.add(manifest, staged, 'client.tar.gz', false)).id;
      const before = core.host.commitStats.batches;
      const deleting = core.catalog.delete(id);
      // Once the DELETE snapshot is committed, the record's removal is queued: an activation made
      // now is stored behind it.
      while (core.host.commitStats.batches === before) await new Promise((resolve) => setImmediate(resolve));
      const late = core.catalog.activationOp(id)!;
      await core.host.write([late.op]);
      late.settle(true);
      await deleting;
      assert.is(core.store.sublevel('updateActivations').getSync(id), 1, 'a count behind the delete');
      assert.is(core.catalog.activationOp(id), undefined);
      assert.is(core.catalog.activationOp('no-such-update'), undefined);
    } finally {
      await core.close();
    }
    const reopened = await openProviderCore({ dataDir: dir, sync: false });
    try {
      assert.is(reopened.catalog.get(id), undefined);
      assert.is(reopened.catalog.list().length, 0);
    } finally {
      await reopened.close();
    }
  } finally {
    await cleanup();
  }
});

test.run();
