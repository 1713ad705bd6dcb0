import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { loadTrustedKeys } from '../../storage/trustedKeys.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { TEST_PUBLIC_KEY_PATH } from '../helpers/testSigning.ts';

const test = suite('loadTrustedKeys');

test('reads <data>/trusted-keys/*.pub sorted by name, then the extra files, and skips other names', async () => {
  const { dir, cleanup } = await makeTempDir();
  const folder = join(dir, 'trusted-keys');
  await mkdir(folder);
  await writeFile(join(folder, 'b.pub'), 'B');
  await writeFile(join(folder, 'a.pub'), 'A');
  await writeFile(join(folder, 'notes.txt'), 'not a key');
  await mkdir(join(folder, 'dir.pub'));
  const keys = await loadTrustedKeys(dir, [TEST_PUBLIC_KEY_PATH]);
  assert.equal(
    keys.map((key) => key.path),
    [join(folder, 'a.pub'), join(folder, 'b.pub'), TEST_PUBLIC_KEY_PATH],
  );
  assert.equal(
    keys.slice(0, 2).map((key) => key.pem),
    ['A', 'B'],
  );
  await cleanup();
});

test('a data folder without trusted-keys/ has no keys', async () => {
  const { dir, cleanup } = await makeTempDir();
  assert.equal(await loadTrustedKeys(dir), []);
  await cleanup();
});

test('an unreadable extra key file is SIGNING_KEY_INVALID naming it', async () => {
  const { dir, cleanup } = await makeTempDir();
  const missing = join(dir, 'missing.pub');
  try {
    await loadTrustedKeys(dir, [missing]);
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'SIGNING_KEY_INVALID'));
    assert.is(error.details?.path, missing);
  }
  await copyFile(TEST_PUBLIC_KEY_PATH, join(dir, 'ok.pub'));
  assert.is((await loadTrustedKeys(dir, [join(dir, 'ok.pub')])).length, 1);
  await cleanup();
});

test.run();
