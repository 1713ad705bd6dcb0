import { createHmac } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkContentSignature,
  generateUrlKey,
  memoizedContentSigner,
  parseUrlKey,
  signContentPath,
} from '../../src/provider/signedUrls.ts';

const test = suite('signContentPath / checkContentSignature');
const key = parseUrlKey(generateUrlKey());
const sha = 'ab'.repeat(32);
const now = Date.UTC(2025, 0, 1, 10, 15);

function parts(path: string): { sha: string; exp: string; sig: string } {
  const url = new URL(path, 'http://x');
  return {
    sha: url.pathname.split('/')[2]!,
    exp: url.searchParams.get('exp')!,
    sig: url.searchParams.get('sig')!,
  };
}

test('a signed path carries the hash, an hour-rounded expiry past the TTL and the HMAC of both', () => {
  const { sha: hash, exp, sig } = parts(signContentPath(key, sha, now, 86_400));
  assert.is(hash, sha);
  assert.is(Number(exp) % 3600, 0);
  assert.ok(Number(exp) * 1000 >= now + 86_400_000);
  assert.ok(Number(exp) * 1000 < now + 86_400_000 + 3_600_000);
  assert.is(sig, createHmac('sha256', key).update(`${sha}:${exp}`).digest('base64url'));
});

test('check-ins within one hour get the same URL', () => {
  assert.is(signContentPath(key, sha, now, 86_400), signContentPath(key, sha, now + 60_000, 86_400));
});

test('a fresh signature is valid, also with an older key listed for rotation', () => {
  const { exp, sig } = parts(signContentPath(key, sha, now, 60));
  assert.is(checkContentSignature([key], sha, exp, sig, now), 'valid');
  assert.is(checkContentSignature([parseUrlKey(generateUrlKey()), key], sha, exp, sig, now), 'valid');
});

test('after exp the signature is expired', () => {
  const { exp, sig } = parts(signContentPath(key, sha, now, 60));
  assert.is(checkContentSignature([key], sha, exp, sig, Number(exp) * 1000), 'expired');
});

test('another hash, a moved expiry, another key or a mangled sig is invalid; none at all is missing', () => {
  const { exp, sig } = parts(signContentPath(key, sha, now, 60));
  assert.is(checkContentSignature([key], 'cd'.repeat(32), exp, sig, now), 'invalid');
  assert.is(checkContentSignature([key], sha, String(Number(exp) + 3600), sig, now), 'invalid');
  assert.is(checkContentSignature([parseUrlKey(generateUrlKey())], sha, exp, sig, now), 'invalid');
  // The first character carries six bits of the MAC (the last one's low bits are only padding, so
  // changing it can leave the decoded MAC as it was, 1 time in 16).
  const mangled = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  assert.is(checkContentSignature([key], sha, exp, mangled, now), 'invalid');
  assert.is(checkContentSignature([key], sha, exp, ['a', 'b'], now), 'invalid');
  assert.is(checkContentSignature([key], sha, '1e9', sig, now), 'invalid');
  assert.is(checkContentSignature([key], sha, undefined, undefined, now), 'missing');
});

test('a short URL key or a non-hash is a programming error', () => {
  assert.throws(() => parseUrlKey('abc'), TypeError);
  assert.throws(() => signContentPath(key, '../etc/passwd', now, 60), TypeError);
});

test('the memoized signer gives what signContentPath gives, and a new path once the expiry step moves on', () => {
  const sign = memoizedContentSigner(key, 86_400, 2);
  const other = 'cd'.repeat(32);
  const third = 'ef'.repeat(32);
  for (const at of [now, now + 60_000, now + 3_600_000, now]) {
    for (const hash of [sha, other, third, sha])
      assert.is(sign(hash, at), signContentPath(key, hash, at, 86_400));
  }
  assert.is.not(sign(sha, now), sign(sha, now + 3_600_000));
});

test.run();
