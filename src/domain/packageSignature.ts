import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { PatchbayError } from './PatchbayError.ts';

// Package signatures are detached Ed25519 signatures over the 32 raw bytes of the file's SHA-256
// digest (not its hex text), so the same signature can be made with
// `openssl pkeyutl -sign -rawin -inkey key.pem -in digest.bin`. Signing the digest rather than the
// file lets the provider verify a multi-gigabyte package after one streaming hash pass.

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SIGNATURE_BYTES = 64;
/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 key pair in PEM form: PKCS#8 private key, SPKI public key. */
export interface SigningKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/**
 * Creates a fresh Ed25519 key pair for signing packages.
 *
 * @example const { publicKeyPem, privateKeyPem } = generateSigningKeyPair()
 */
export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return toPem(publicKey, privateKey);
}

/**
 * Derives the Ed25519 key pair of a 32-byte seed. Only for reproducible test keys (fixtures):
 * anyone who knows the seed holds the private key.
 */
export function signingKeyPairFromSeed(seed: Uint8Array): SigningKeyPair {
  if (seed.length !== 32) {
    throw new TypeError(`Expected \`seed\` to be 32 bytes, got \`${seed.length}\``);
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return toPem(createPublicKey(privateKey), privateKey);
}

/**
 * Signs a file's SHA-256 digest (64 hex characters) with an Ed25519 private key in PEM form.
 * Throws SIGNING_KEY_INVALID when the PEM is not an Ed25519 private key.
 *
 * @example signDigest(sha256, privateKeyPem).length // 64
 */
export function signDigest(sha256Hex: string, privateKeyPem: string): Buffer {
  const digest = digestBytes(sha256Hex);
  const key = parseKey(privateKeyPem, 'private');
  return sign(null, digest, key);
}

/**
 * True when `signature` is an Ed25519 signature of the digest by any of the trusted public keys.
 * A signature of the wrong length is simply false; an unparseable trusted key throws
 * SIGNING_KEY_INVALID, because a broken trust list must be loud, not a silent rejection.
 *
 * @example verifyDigest(sha256, signDigest(sha256, privateKeyPem), [publicKeyPem]) // true
 */
export function verifyDigest(
  sha256Hex: string,
  signature: Uint8Array,
  trustedPublicKeysPem: string[],
): boolean {
  return matchSigningKey(sha256Hex, signature, trustedPublicKeysPem) !== undefined;
}

/**
 * The key id (see {@link publicKeyId}) of the first trusted key that verifies the signature, or
 * undefined when none does. Lets the activity log say which key signed a package.
 */
export function matchSigningKey(
  sha256Hex: string,
  signature: Uint8Array,
  trustedPublicKeysPem: string[],
): string | undefined {
  const digest = digestBytes(sha256Hex);
  if (signature.length !== SIGNATURE_BYTES) return undefined;
  for (const pem of trustedPublicKeysPem) {
    const key = parseKey(pem, 'public');
    if (verify(null, digest, key, signature)) return keyIdOf(key);
  }
  return undefined;
}

/**
 * A short, stable name for a public key: the first 16 hex characters of the SHA-256 of its raw
 * 32 bytes. A private key PEM yields the id of its public half. Throws SIGNING_KEY_INVALID.
 *
 * @example publicKeyId(publicKeyPem) // 'c0ffee0123456789'
 */
export function publicKeyId(keyPem: string): string {
  return keyIdOf(parseKey(keyPem, 'public'));
}

function keyIdOf(publicKey: KeyObject): string {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  // The raw key is the last 32 bytes of the SPKI encoding.
  return createHash('sha256').update(spki.subarray(-32)).digest('hex').slice(0, 16);
}

function digestBytes(sha256Hex: string): Buffer {
  if (typeof sha256Hex !== 'string' || !SHA256_HEX.test(sha256Hex)) {
    throw new TypeError(`Expected \`sha256Hex\` to be 64 hex characters, got \`${String(sha256Hex)}\``);
  }
  return Buffer.from(sha256Hex, 'hex');
}

function parseKey(pem: string, kind: 'public' | 'private'): KeyObject {
  let key: KeyObject;
  try {
    key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
  } catch (cause) {
    throw new PatchbayError(`not a ${kind} key in PEM form`, { code: 'SIGNING_KEY_INVALID', cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PatchbayError(`expected an Ed25519 ${kind} key, got ${key.asymmetricKeyType ?? 'unknown'}`, {
      code: 'SIGNING_KEY_INVALID',
    });
  }
  return key;
}

function toPem(publicKey: KeyObject, privateKey: KeyObject): SigningKeyPair {
  return {
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
