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

test('an activation whose commit failed is not counted, now or by later writes', async () => {
  await withUpdate(
    async (core, update) => {
      core.catalog.activationOp(update.id)!.settle(false);
      const counted = core.catalog.activationOp(update.id)!;
      await core.host.write([counted.op]);
      counted.settle(true);
      await core.catalog.changeState(update.id, 'GA');
      assert.is(core.catalog.require(update.id).activations, 1);
    },
    (stored) => assert.equal([stored.state, stored.activations], ['GA', 1]),
  );
});

test('a state change written while an activation is on its way to the store keeps it', async () => {
  await withUpdate(
    async (core, update) => {
      const early = core.catalog.activationOp(update.id)!;
      // The state change's record goes out first, and must not store a count without `early`.
      await core.catalog.changeState(update.id, 'GA');
      await core.host.write([early.op]);
      early.settle(true);
      // The other way round: an activation committed while a change is being written.
      const change = core.catalog.setHighPriority(update.id, true);
      const late = core.catalog.activationOp(update.id)!;
      await core.host.write([late.op]);
      late.settle(true);
      const changed = await change;
      assert.equal([changed.highPriority, changed.activations], [true, 2]);
      assert.is(core.catalog.require(update.id).activations, 2);
    },
    (stored) => assert.equal([stored.state, stored.highPriority, stored.activations], ['GA', true, 2]),
  );
});

test('no activation is counted for an update that is being deleted or is gone', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const core = await openProviderCore({ dataDir: dir, sync: false });
    try {
      const staged = await core.content.stage(Readable.from([Buffer.from('package')]));
      const update = await core.catalog.add(manifest, staged, 'client.tar.gz', false);
      const deleting = core.catalog.delete(update.id);
      // The delete's commit is on its way now; an op queued behind it would write the record back.
      await new Promise((resolve) => setImmediate(resolve));
      assert.is(core.catalog.activationOp(update.id), undefined);
      await deleting;
      assert.is(core.catalog.activationOp(update.id), undefined);
      assert.is(core.catalog.activationOp('no-such-update'), undefined);
      assert.is(await core.catalog.records.get(update.id), undefined);
    } finally {
      await core.close();
    }
  } finally {
    await cleanup();
  }
});

test.run();
