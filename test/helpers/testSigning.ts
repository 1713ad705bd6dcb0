import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publicKeyId, signDigest } from '../../src/domain/packageSignature.ts';
import { formatSignatureFile } from '../../src/domain/signatureFile.ts';

/** The TEST-ONLY public key that signs every good fixture; test providers trust it. */
export const TEST_PUBLIC_KEY_PATH = fileURLToPath(
  new URL('../../fixtures/keys/test-signing.pub', import.meta.url),
);
/** The TEST-ONLY private key matching {@link TEST_PUBLIC_KEY_PATH}. */
export const TEST_PRIVATE_KEY_PATH = fileURLToPath(
  new URL('../../fixtures/keys/test-signing.key', import.meta.url),
);
/** A TEST-ONLY private key no test provider trusts. */
export const UNTRUSTED_PRIVATE_KEY_PATH = fileURLToPath(
  new URL('../../fixtures/keys/untrusted-signing.key', import.meta.url),
);

/** The text of a `<file>.sig` for `bytes`, signed with a private key file (the test key by default). */
export function signBytes(bytes: Uint8Array | string, privateKeyPath = TEST_PRIVATE_KEY_PATH): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const pem = readFileSync(privateKeyPath, 'utf8');
  return formatSignatureFile(signDigest(sha256, pem), publicKeyId(pem));
}
