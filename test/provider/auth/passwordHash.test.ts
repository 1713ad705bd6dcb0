import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword, verifyPassword } from '../../../src/provider/auth/passwordHash.ts';

const test = suite('hashPassword / verifyPassword');

test('a hash verifies its own password and no other', async () => {
  const stored = await hashPassword('correct horse battery');
  assert.ok(await verifyPassword('correct horse battery', stored));
  assert.not.ok(await verifyPassword('correct horse battery ', stored));
  assert.not.ok(await verifyPassword('', stored));
});

test('two hashes of one password differ (random salt) and neither contains it', async () => {
  const a = await hashPassword('same password');
  const b = await hashPassword('same password');
  assert.is.not(a, b);
  assert.not.ok(a.includes('same password'));
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
});

test('a malformed or tampered stored hash never verifies', async () => {
  const stored = await hashPassword('pw-123456');
  const parts = stored.split('$');
  assert.not.ok(await verifyPassword('pw-123456', 'plain'));
  assert.not.ok(await verifyPassword('pw-123456', ['bcrypt', ...parts.slice(1)].join('$')));
  // An absurd cost must be refused rather than allocate gigabytes.
  assert.not.ok(await verifyPassword('pw-123456', ['scrypt', String(2 ** 30), ...parts.slice(2)].join('$')));
  assert.not.ok(await verifyPassword('pw-123456', [...parts.slice(0, 5), 'AAAA'].join('$')));
});

test.run();
