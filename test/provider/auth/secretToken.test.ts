import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashSecret, issueSecret, secretMatches, sha256 } from '../../../src/provider/auth/secretToken.ts';

const test = suite('issueSecret');

test('a secret carries its prefix and 32 random bytes, and its hash is the SHA-256 of it', () => {
  const { secret, hash } = issueSecret('pbt');
  assert.match(secret, /^pbt_[A-Za-z0-9_-]{43}$/);
  assert.is(Buffer.from(secret.slice(4), 'base64url').length, 32);
  assert.is(hash, createHash('sha256').update(secret).digest('hex'));
  assert.is(hashSecret(secret), hash);
});

test('secrets do not repeat', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => issueSecret('pbt').secret));
  assert.is(seen.size, 1000);
});

test('secretMatches accepts the secret and refuses others and malformed hashes', () => {
  const { secret, hash } = issueSecret('pbm');
  assert.ok(secretMatches(secret, hash));
  assert.not.ok(secretMatches(`${secret}x`, hash));
  assert.not.ok(secretMatches(secret, hash.slice(2)));
  assert.not.ok(secretMatches(secret, 'zz'));
});

test('sha256 gives the same digest as a Hash object, as hex and as bytes, for any text', () => {
  for (const text of ['', 'm1\nabc', 'é ✓ 𝄞']) {
    const expected = createHash('sha256').update(text, 'utf8').digest();
    assert.is(sha256(text, 'hex'), expected.toString('hex'));
    assert.ok(sha256(text, 'buffer').equals(expected));
  }
});

test.run();
