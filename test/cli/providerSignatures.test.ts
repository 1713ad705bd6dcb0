import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders, testManifest, uploadPackage } from '../helpers/testProvider.ts';
import { runCli } from './runCli.ts';

const test = suite('patchbay provider signature flags');

test('by default an unsigned upload is refused and a signed one accepted', async () => {
  const { dir, cleanup } = await makeTempDir();
  const provider = await spawnProvider(dir);
  try {
    const unsigned = await uploadPackage(provider.url, testManifest(), 'x', 'x.tar.gz', {
      signature: null,
      headers: adminHeaders(provider.adminToken),
    });
    assert.is(unsigned.body.error.code, 'SIGNATURE_MISSING');
    const signed = await uploadPackage(provider.url, testManifest(), 'x', 'x.tar.gz', {
      headers: adminHeaders(provider.adminToken),
    });
    assert.is(signed.status, 201);
    assert.is(signed.body.signed, true);
  } finally {
    await provider.stop();
    await cleanup();
  }
});

test('--no-verify-signatures accepts an unsigned upload', async () => {
  const { dir, cleanup } = await makeTempDir();
  const provider = await spawnProvider(dir, ['--no-verify-signatures']);
  try {
    const unsigned = await uploadPackage(provider.url, testManifest(), 'x', 'x.tar.gz', {
      signature: null,
      headers: adminHeaders(provider.adminToken),
    });
    assert.is(unsigned.status, 201);
    assert.is(unsigned.body.signed, false);
  } finally {
    await provider.stop();
    await cleanup();
  }
});

test('a broken --trusted-key file stops startup with exit 1 naming the file', async () => {
  const { dir, cleanup } = await makeTempDir();
  const bad = join(dir, 'bad.pub');
  await writeFile(bad, 'garbage');
  const result = await runCli(['provider', '--data', join(dir, 'data'), '--port', '0', '--trusted-key', bad]);
  assert.is(result.code, 1);
  assert.match(result.stderr, bad);
  await cleanup();
});

test.run();
