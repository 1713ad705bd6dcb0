import { appendFile, writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './runCli.ts';
import { createSandbox, removeSandbox, type SigningSandbox } from './signingSandbox.ts';

const verify = suite('patchbay verify');
let box: SigningSandbox;
verify.before.each(async () => {
  box = await createSandbox();
});
verify.after.each(() => removeSandbox(box));

verify('a freshly signed file verifies: exit 0, "signature OK"', async () => {
  assert.is((await runCli(['sign', box.file, '--key', box.privateKey])).code, 0);
  const result = await runCli(['verify', box.file, '--key', box.publicKey]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /^signature OK/);
});

verify('one matching key among several is enough', async () => {
  await runCli(['sign', box.file, '--key', box.privateKey]);
  assert.is(
    (await runCli(['verify', box.file, '--key', box.otherPublicKey, '--key', box.publicKey])).code,
    0,
  );
});

verify('bytes changed after signing exit 1 with "signature invalid"', async () => {
  await runCli(['sign', box.file, '--key', box.privateKey]);
  await appendFile(box.file, 'x');
  const result = await runCli(['verify', box.file, '--key', box.publicKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'signature invalid');
});

verify('the wrong public key exits 1 with "signature invalid"', async () => {
  await runCli(['sign', box.file, '--key', box.privateKey]);
  const result = await runCli(['verify', box.file, '--key', box.otherPublicKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'signature invalid');
});

verify('no <file>.sig exits 1 with "signature missing"', async () => {
  const result = await runCli(['verify', box.file, '--key', box.publicKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'signature missing');
});

verify('a malformed <file>.sig exits 1 with "signature invalid"', async () => {
  await writeFile(`${box.file}.sig`, 'not a signature\n');
  const result = await runCli(['verify', box.file, '--key', box.publicKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'signature invalid: malformed');
});

verify('a missing package file exits 1 naming the file', async () => {
  const result = await runCli(['verify', `${box.file}.absent`, '--key', box.publicKey]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'cannot read package file');
});

verify('without --key it is a usage error (exit 2)', async () => {
  assert.is((await runCli(['verify', box.file])).code, 2);
});

verify.run();
