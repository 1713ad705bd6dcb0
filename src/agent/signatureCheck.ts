import { createPublicKey, verify } from 'node:crypto';

/**
 * True when `signature` is an Ed25519 signature, by one of the trusted public keys, over the 32 raw
 * bytes of the SHA-256 digest — the scheme of src/domain/packageSignature.ts (`verifyDigest`).
 * A local adapter until that module is on main; then this file re-exports it.
 *
 * @example verifyDigest(sha256Hex, Buffer.from(signatureBase64, 'base64'), [publicKeyPem])
 */
export function verifyDigest(
  sha256Hex: string,
  signature: Uint8Array,
  trustedPublicKeysPem: string[],
): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256Hex)) {
    throw new TypeError(`Expected \`sha256Hex\` to be 64 hex characters, got \`${sha256Hex}\``);
  }
  if (signature.length !== 64) return false;
  const digest = Buffer.from(sha256Hex, 'hex');
  return trustedPublicKeysPem.some((pem) => verify(null, digest, createPublicKey(pem), signature));
}
