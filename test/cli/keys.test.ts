import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyId, signDigest, verifyDigest } from '../../src/domain/packageSignature.ts';
import { runCli } from './runCli.ts';

const test = suite('patchbay keys generate');
let dir = '';
test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-keys-'));
});
test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('writes NAME.key (mode 0600) and NAME.pub that form a working pair', async () => {
  const result = await runCli(['keys', 'generate', '--out', dir, '--name', 'release']);
  assert.is(result.code, 0, result.stderr);
  const privateKeyPem = await readFile(join(dir, 'release.key'), 'utf8');
  const publicKeyPem = await readFile(join(dir, 'release.pub'), 'utf8');
  assert.is((await stat(join(dir, 'release.key'))).mode & 0o777, 0o600);
  const digest = 'ab'.repeat(32);
  assert.ok(verifyDigest(digest, signDigest(digest, privateKeyPem), [publicKeyPem]));
  assert.ok(result.stdout.includes(publicKeyId(publicKeyPem)));
});

test('creates the --out directory when it does not exist', async () => {
  const out = join(dir, 'nested', 'keys');
  const result = await runCli(['keys', 'generate', '--out', out]);
  assert.is(result.code, 0, result.stderr);
  await stat(join(out, 'patchbay-signing.key'));
  await stat(join(out, 'patchbay-signing.pub'));
});

test('refuses to overwrite an existing key and leaves both files untouched', async () => {
  await writeFile(join(dir, 'release.pub'), 'existing');
  const result = await runCli(['keys', 'generate', '--out', dir, '--name', 'release']);
  assert.is(result.code, 1);
  assert.is(await readFile(join(dir, 'release.pub'), 'utf8'), 'existing');
  try {
    await stat(join(dir, 'release.key'));
    assert.unreachable('no private key may be written');
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

test('without the "generate" subcommand it is a usage error (exit 2)', async () => {
  assert.is((await runCli(['keys', '--out', dir])).code, 2);
});

test('a --name with a path separator is a usage error (exit 2)', async () => {
  assert.is((await runCli(['keys', 'generate', '--out', dir, '--name', '../escape'])).code, 2);
});

test.run();
