import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair } from '../../src/domain/packageSignature.ts';

/** A temp dir holding a package file, its signer's key pair, and an unrelated public key. */
export interface SigningSandbox {
  dir: string;
  file: string;
  privateKey: string;
  publicKey: string;
  otherPublicKey: string;
}

/** Creates a fresh {@link SigningSandbox}; remove it with {@link removeSandbox}. */
export async function createSandbox(): Promise<SigningSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'patchbay-sign-'));
  const pair = generateSigningKeyPair();
  const sandbox = {
    dir,
    file: join(dir, 'demo-25.01.00.10.tar.gz'),
    privateKey: join(dir, 'signer.key'),
    publicKey: join(dir, 'signer.pub'),
    otherPublicKey: join(dir, 'other.pub'),
  };
  await writeFile(sandbox.privateKey, pair.privateKeyPem, { mode: 0o600 });
  await writeFile(sandbox.publicKey, pair.publicKeyPem);
  await writeFile(sandbox.otherPublicKey, generateSigningKeyPair().publicKeyPem);
  await writeFile(sandbox.file, Buffer.from('pretend this is a package'));
  return sandbox;
}

/** Deletes a sandbox and everything in it. */
export function removeSandbox(sandbox: SigningSandbox): Promise<void> {
  return rm(sandbox.dir, { recursive: true, force: true });
}
