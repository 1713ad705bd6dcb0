import { createHash, verify as cryptoVerify, generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import {
  generateSigningKeyPair,
  matchSigningKey,
  publicKeyId,
  signDigest,
  signingKeyPairFromSeed,
  verifyDigest,
} from '../../src/domain/packageSignature.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const alice = generateSigningKeyPair();
const mallory = generateSigningKeyPair();
const digest = sha256('package bytes');

const roundTrip = suite('signDigest / verifyDigest');

roundTrip('a signature verifies with the signer public key', () => {
  const signature = signDigest(digest, alice.privateKeyPem);
  assert.is(signature.length, 64);
  assert.ok(verifyDigest(digest, signature, [alice.publicKeyPem]));
});

roundTrip('the digest is accepted in upper-case hex too', () => {
  const signature = signDigest(digest.toUpperCase(), alice.privateKeyPem);
  assert.ok(verifyDigest(digest, signature, [alice.publicKeyPem]));
});

roundTrip('the signed message is the 32 raw digest bytes (openssl -rawin compatible)', () => {
  const signature = signDigest(digest, alice.privateKeyPem);
  assert.ok(cryptoVerify(null, Buffer.from(digest, 'hex'), alice.publicKeyPem, signature));
});

roundTrip('a signature of another digest fails', () => {
  const signature = signDigest(sha256('other bytes'), alice.privateKeyPem);
  assert.not.ok(verifyDigest(digest, signature, [alice.publicKeyPem]));
});

roundTrip('a flipped signature bit fails', () => {
  const signature = signDigest(digest, alice.privateKeyPem);
  signature[10]! ^= 0x01;
  assert.not.ok(verifyDigest(digest, signature, [alice.publicKeyPem]));
});

roundTrip('a signature by an untrusted key fails', () => {
  const signature = signDigest(digest, mallory.privateKeyPem);
  assert.not.ok(verifyDigest(digest, signature, [alice.publicKeyPem]));
});

roundTrip('any one of several trusted keys suffices', () => {
  const signature = signDigest(digest, alice.privateKeyPem);
  assert.ok(verifyDigest(digest, signature, [mallory.publicKeyPem, alice.publicKeyPem]));
});

roundTrip('an empty trust list verifies nothing', () => {
  assert.not.ok(verifyDigest(digest, signDigest(digest, alice.privateKeyPem), []));
});

roundTrip('a signature of the wrong length is false, not an error', () => {
  assert.not.ok(verifyDigest(digest, Buffer.alloc(63), [alice.publicKeyPem]));
  assert.not.ok(verifyDigest(digest, Buffer.alloc(0), [alice.publicKeyPem]));
});

roundTrip('a digest that is not 64 hex characters is a TypeError', () => {
  assert.throws(
    () => signDigest('abc', alice.privateKeyPem),
    (error: unknown) => error instanceof TypeError,
  );
  assert.throws(
    () => verifyDigest(`${digest.slice(1)}z`, Buffer.alloc(64), [alice.publicKeyPem]),
    (error: unknown) => error instanceof TypeError,
  );
});

roundTrip('a non-Ed25519 key throws SIGNING_KEY_INVALID', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const rsaPrivate = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const rsaPublic = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  assert.throws(
    () => signDigest(digest, rsaPrivate),
    (e: unknown) => isPatchbayError(e, 'SIGNING_KEY_INVALID'),
  );
  assert.throws(
    () => verifyDigest(digest, Buffer.alloc(64), [rsaPublic]),
    (e: unknown) => isPatchbayError(e, 'SIGNING_KEY_INVALID'),
  );
});

roundTrip('text that is not PEM throws SIGNING_KEY_INVALID', () => {
  assert.throws(
    () => signDigest(digest, 'not a key'),
    (e: unknown) => isPatchbayError(e, 'SIGNING_KEY_INVALID'),
  );
});

roundTrip('a public key cannot sign', () => {
  assert.throws(
    () => signDigest(digest, alice.publicKeyPem),
    (e: unknown) => isPatchbayError(e, 'SIGNING_KEY_INVALID'),
  );
});

const keys = suite('generateSigningKeyPair / signingKeyPairFromSeed');

keys('generated pairs are PEM and distinct', () => {
  assert.match(alice.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(alice.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.is.not(alice.publicKeyPem, mallory.publicKeyPem);
});

keys('a seed always derives the same pair', () => {
  const seed = Buffer.alloc(32, 7);
  assert.equal(signingKeyPairFromSeed(seed), signingKeyPairFromSeed(seed));
  assert.is.not(
    signingKeyPairFromSeed(seed).publicKeyPem,
    signingKeyPairFromSeed(Buffer.alloc(32, 8)).publicKeyPem,
  );
});

keys('a seeded pair signs and verifies', () => {
  const pair = signingKeyPairFromSeed(Buffer.alloc(32, 1));
  assert.ok(verifyDigest(digest, signDigest(digest, pair.privateKeyPem), [pair.publicKeyPem]));
});

keys('a seed of the wrong length is a TypeError', () => {
  assert.throws(
    () => signingKeyPairFromSeed(Buffer.alloc(31)),
    (e: unknown) => e instanceof TypeError,
  );
});

const ids = suite('publicKeyId / matchSigningKey');

ids('the key id is 16 hex characters, the same for the private and public halves', () => {
  const id = publicKeyId(alice.publicKeyPem);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.is(publicKeyId(alice.privateKeyPem), id);
  assert.is.not(publicKeyId(mallory.publicKeyPem), id);
});

ids('matchSigningKey names the key that verified', () => {
  const signature = signDigest(digest, alice.privateKeyPem);
  assert.is(
    matchSigningKey(digest, signature, [mallory.publicKeyPem, alice.publicKeyPem]),
    publicKeyId(alice.publicKeyPem),
  );
  assert.is(matchSigningKey(digest, signature, [mallory.publicKeyPem]), undefined);
});

roundTrip.run();
keys.run();
ids.run();
