import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LICENSE_GATE_NOTE, licenseGate, signLicense, verifyLicense } from '../../src/domain/license.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { generateSigningKeyPair } from '../../src/domain/packageSignature.ts';

const test = suite('verifyLicense / licenseGate');
const issuer = generateSigningKeyPair();
const license = { licensee: 'Acme Corp', features: ['updates', 'reports'], expires: '2030-12-31' };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

test('a signed license verifies and yields its fields', () => {
  const text = JSON.stringify(signLicense(license, issuer.privateKeyPem), null, 2);
  assert.equal(verifyLicense(text, issuer.publicKeyPem), license);
});

test('reordering keys or reformatting keeps the signature valid', () => {
  const file = signLicense(license, issuer.privateKeyPem);
  const reordered = {
    signature: file.signature,
    license: { expires: '2030-12-31', features: ['updates', 'reports'], licensee: 'Acme Corp' },
  };
  assert.equal(verifyLicense(JSON.stringify(reordered), issuer.publicKeyPem), license);
});

test('a changed field, another issuer, bad JSON or a missing field is LICENSE_INVALID', () => {
  const file = signLicense({ licensee: 'Acme Corp', features: [] }, issuer.privateKeyPem);
  const forged = { ...file, license: { ...file.license, features: ['updates'] } };
  assert.is(
    codeOf(() => verifyLicense(JSON.stringify(forged), issuer.publicKeyPem)),
    'LICENSE_INVALID',
  );
  const other = signLicense(license, generateSigningKeyPair().privateKeyPem);
  assert.is(
    codeOf(() => verifyLicense(JSON.stringify(other), issuer.publicKeyPem)),
    'LICENSE_INVALID',
  );
  assert.is(
    codeOf(() => verifyLicense('{not json', issuer.publicKeyPem)),
    'LICENSE_INVALID',
  );
  assert.is(
    codeOf(() => verifyLicense(JSON.stringify({ license }), issuer.publicKeyPem)),
    'LICENSE_INVALID',
  );
});

test('a license key that is not Ed25519 PEM is SIGNING_KEY_INVALID', () => {
  const text = JSON.stringify(signLicense(license, issuer.privateKeyPem));
  assert.is(
    codeOf(() => verifyLicense(text, 'not a key')),
    'SIGNING_KEY_INVALID',
  );
});

test('without a license nothing is gated', () => {
  assert.equal(licenseGate(undefined, new Date()), { updatesAllowed: true });
});

test('a license with the updates feature allows updates through its expiry day (UTC)', () => {
  assert.equal(licenseGate(license, new Date('2030-12-31T23:59:59Z')), { updatesAllowed: true });
  assert.equal(licenseGate({ licensee: 'x', features: ['updates'] }, new Date('2099-01-01')), {
    updatesAllowed: true,
  });
});

test('a license without updates, or past its expiry, withholds installs with the report note', () => {
  const gated = { updatesAllowed: false, note: LICENSE_GATE_NOTE };
  assert.equal(licenseGate({ licensee: 'x', features: ['reports'] }, new Date('2025-01-01')), gated);
  assert.equal(licenseGate(license, new Date('2031-01-01T00:00:00Z')), gated);
  assert.is(LICENSE_GATE_NOTE, 'license does not allow updates');
});

test.run();
