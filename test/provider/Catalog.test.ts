import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openProviderCore } from '../../src/provider/ProviderCore.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('Catalog.recordActivation');

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

test('concurrent activations are all counted, in fewer commits than calls, and survive a restart', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const core = await openProviderCore({ dataDir: dir, sync: false });
    let updateId: string;
    try {
      const staged = await core.content.stage(Readable.from([Buffer.from('package')]));
      const update = await core.catalog.add(manifest, staged, 'client.tar.gz', false);
      updateId = update.id;
      const before = core.host.commitStats.batches;
      await Promise.all(Array.from({ length: 50 }, () => core.catalog.recordActivation(update.id)));
      assert.ok(core.host.commitStats.batches - before < 50);
      assert.is(core.catalog.require(update.id).activations, 50);
    } finally {
      await core.close();
    }
    const reopened = await openProviderCore({ dataDir: dir, sync: false });
    try {
      assert.is(reopened.catalog.require(updateId).activations, 50);
    } finally {
      await reopened.close();
    }
  } finally {
    await cleanup();
  }
});

test.run();
