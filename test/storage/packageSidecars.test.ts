import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import {
  MAX_MANIFEST_FILE_BYTES,
  readManifestSidecar,
  readSignatureSidecar,
} from '../../storage/packageSidecars.ts';

let dir = '';
const setUp = async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-sidecars-'));
};
const tearDown = async () => {
  await rm(dir, { recursive: true, force: true });
};

const signature = suite('readSignatureSidecar');
signature.before.each(setUp);
signature.after.each(tearDown);

signature('returns the bytes of <file>.sig', async () => {
  await writeFile(join(dir, 'a.tgz.sig'), 'sig text');
  assert.equal(await readSignatureSidecar(join(dir, 'a.tgz')), Buffer.from('sig text'));
});

signature('returns undefined when there is no <file>.sig', async () => {
  assert.is(await readSignatureSidecar(join(dir, 'a.tgz')), undefined);
});

signature('refuses an oversized signature file with SIGNATURE_INVALID', async () => {
  await writeFile(join(dir, 'a.tgz.sig'), Buffer.alloc(5000));
  try {
    await readSignatureSidecar(join(dir, 'a.tgz'));
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'SIGNATURE_INVALID'));
  }
});

const manifest = suite('readManifestSidecar');
manifest.before.each(setUp);
manifest.after.each(tearDown);

manifest('parses <file>.manifest.json', async () => {
  await writeFile(join(dir, 'a.tgz.manifest.json'), '{"application":"X"}');
  assert.equal(await readManifestSidecar(join(dir, 'a.tgz')), { application: 'X' });
});

manifest('returns undefined when there is no manifest', async () => {
  assert.is(await readManifestSidecar(join(dir, 'a.tgz')), undefined);
});

manifest('rejects text that is not JSON with INVALID_MANIFEST', async () => {
  await writeFile(join(dir, 'a.tgz.manifest.json'), '{application:');
  try {
    await readManifestSidecar(join(dir, 'a.tgz'));
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'INVALID_MANIFEST'));
  }
});

manifest('rejects a manifest over the size limit with INVALID_MANIFEST', async () => {
  await writeFile(join(dir, 'a.tgz.manifest.json'), `"${'x'.repeat(MAX_MANIFEST_FILE_BYTES)}"`);
  try {
    await readManifestSidecar(join(dir, 'a.tgz'));
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'INVALID_MANIFEST'));
  }
});

signature.run();
manifest.run();
