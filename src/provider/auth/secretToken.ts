import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret, shown once, and the hash that is all the provider keeps of it. */
export interface IssuedSecret {
  /** The secret itself: `<prefix>_<43 base64url characters>` (32 random bytes). */
  secret: string;
  /** SHA-256 of the secret, hex. */
  hash: string;
}

/**
 * Makes a random 32-byte secret with a readable prefix (`pbt` API token, `pbs` session id, `pbm`
 * machine secret), so a leaked string says what it is.
 *
 * @example const { secret, hash } = issueSecret('pbt') // secret 'pbt_…', hash 64 hex
 */
export function issueSecret(prefix: string): IssuedSecret {
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret) };
}

/**
 * SHA-256 hex of a secret. Secrets are 256 random bits, so a fast hash is enough: there is nothing
 * to brute-force, and a stolen database yields no usable token.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
