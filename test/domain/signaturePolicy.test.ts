import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { generateSigningKeyPair, publicKeyId, signDigest } from '../../src/domain/packageSignature.ts';
import { formatSignatureFile } from '../../src/domain/signatureFile.ts';
import { checkPackageSignature, createSignaturePolicy } from '../../src/domain/signaturePolicy.ts';
import type { SignaturePolicy } from '../../src/provider/signaturePolicy.ts';

const trusted = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
const sha256 = createHash('sha256').update('package').digest('hex');
const sigBy = (privateKeyPem: string, digest = sha256) =>
  Buffer.from(formatSignatureFile(signDigest(digest, privateKeyPem)));
const hasCode = (code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID', reason?: string) => (error: unknown) =>
  isPatchbayError(error, code) && (reason === undefined || error.details?.['reason'] === reason);

const required = suite('checkPackageSignature (policy on)');
const on = { trustedPublicKeysPem: [trusted.publicKeyPem], required: true };

required('a package signed by a trusted key passes and names the key', () => {
  const verdict = checkPackageSignature({ ...on, sha256, signatureFile: sigBy(trusted.privateKeyPem) });
  assert.equal(verdict, { signed: true, keyId: publicKeyId(trusted.publicKeyPem) });
});

required('an unsigned package is SIGNATURE_MISSING', () => {
  assert.throws(
    () => checkPackageSignature({ ...on, sha256, signatureFile: undefined }),
    hasCode('SIGNATURE_MISSING'),
  );
});

required('a package signed by an untrusted key is SIGNATURE_INVALID', () => {
  assert.throws(
    () => checkPackageSignature({ ...on, sha256, signatureFile: sigBy(stranger.privateKeyPem) }),
    hasCode('SIGNATURE_INVALID', 'untrusted'),
  );
});

required('a package whose bytes changed after signing is SIGNATURE_INVALID', () => {
  const signedOriginal = sigBy(trusted.privateKeyPem, createHash('sha256').update('original').digest('hex'));
  assert.throws(
    () => checkPackageSignature({ ...on, sha256, signatureFile: signedOriginal }),
    hasCode('SIGNATURE_INVALID', 'untrusted'),
  );
});

required('a malformed signature file is SIGNATURE_INVALID', () => {
  assert.throws(
    () => checkPackageSignature({ ...on, sha256, signatureFile: Buffer.from('garbage') }),
    hasCode('SIGNATURE_INVALID', 'malformed'),
  );
});

required('with no trusted keys configured every signature is SIGNATURE_INVALID', () => {
  assert.throws(
    () =>
      checkPackageSignature({
        sha256,
        signatureFile: sigBy(trusted.privateKeyPem),
        trustedPublicKeysPem: [],
        required: true,
      }),
    hasCode('SIGNATURE_INVALID', 'no-trusted-keys'),
  );
});

const optional = suite('checkPackageSignature (policy off)');
const off = { trustedPublicKeysPem: [trusted.publicKeyPem], required: false };

optional('an unsigned package passes as unsigned', () => {
  assert.equal(checkPackageSignature({ ...off, sha256, signatureFile: undefined }), { signed: false });
});

optional('a badly signed package passes as unsigned', () => {
  assert.equal(checkPackageSignature({ ...off, sha256, signatureFile: sigBy(stranger.privateKeyPem) }), {
    signed: false,
  });
});

optional('a malformed signature passes as unsigned', () => {
  assert.equal(checkPackageSignature({ ...off, sha256, signatureFile: Buffer.from('junk') }), {
    signed: false,
  });
});

optional('a trusted signature is still recorded as signed', () => {
  const verdict = checkPackageSignature({ ...off, sha256, signatureFile: sigBy(trusted.privateKeyPem) });
  assert.is(verdict.signed, true);
});

required.run();
optional.run();

const factory = suite('createSignaturePolicy');

factory('is on by default: an unsigned package is SIGNATURE_MISSING', () => {
  const policy = createSignaturePolicy({ trustedPublicKeysPem: [trusted.publicKeyPem] });
  assert.throws(() => policy.check(sha256, undefined), hasCode('SIGNATURE_MISSING'));
});

factory('accepts a package signed by a trusted key', () => {
  const policy = createSignaturePolicy({ trustedPublicKeysPem: [trusted.publicKeyPem] });
  assert.is(policy.check(sha256, sigBy(trusted.privateKeyPem)).signed, true);
});

factory('turned off, it accepts an unsigned package as unsigned', () => {
  const policy = createSignaturePolicy({ trustedPublicKeysPem: [], required: false });
  assert.equal(policy.check(sha256, undefined), { signed: false });
});

factory('fits the SignaturePolicy interface importPackage takes', () => {
  const policy: SignaturePolicy = createSignaturePolicy({ trustedPublicKeysPem: [trusted.publicKeyPem] });
  assert.is(policy.check(sha256, sigBy(trusted.privateKeyPem)).signed, true);
});

factory('a trusted key that is not an Ed25519 PEM fails at creation with SIGNING_KEY_INVALID', () => {
  assert.throws(
    () => createSignaturePolicy({ trustedPublicKeysPem: ['not a key'] }),
    (error: unknown) => isPatchbayError(error, 'SIGNING_KEY_INVALID'),
  );
});

factory.run();
