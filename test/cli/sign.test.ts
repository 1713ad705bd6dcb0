import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publicKeyId } from '../../src/domain/packageSignature.ts';
import { parseSignatureFile } from '../../src/domain/signatureFile.ts';
import { runCli } from './runCli.ts';
import { createSandbox, removeSandbox, type SigningSandbox } from './signingSandbox.ts';

const sign = suite('patchbay sign');
let box: SigningSandbox;
sign.before.each(async () => {
  box = await createSandbox();
});
sign.after.each(() => removeSandbox(box));

sign('writes <file>.sig in the text format, naming the signing key', async () => {
  const result = await runCli(['sign', box.file, '--key', box.privateKey]);
  assert.is(result.code, 0, result.stderr);
  const parsed = parseSignatureFile(await readFile(`${box.file}.sig`));
  assert.is(parsed.keyId, publicKeyId(await readFile(box.publicKey, 'utf8')));
  assert.is(parsed.signature.length, 64);
});

sign('without --key it is a usage error (exit 2) and writes nothing', async () => {
  assert.is((await runCli(['sign', box.file])).code, 2);
  assert.is(await readFile(`${box.file}.sig`).catch(() => undefined), undefined);
});

sign('a missing package file exits 1', async () => {
  const result = await runCli(['sign', join(box.dir, 'absent.tgz'), '--key', box.privateKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'ENOENT');
});

sign('a public key given as --key exits 1 (it cannot sign)', async () => {
  assert.is((await runCli(['sign', box.file, '--key', box.publicKey])).code, 1);
});

sign.run();
