import * as crypto from 'node:crypto';
import { randomBytes, timingSafeEqual } from 'node:crypto';

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
  return sha256(secret, 'hex');
}

/**
 * SHA-256 of a short string in one call: `crypto.hash` (Node ≥ 20.12) skips the Hash object, about 3x
 * cheaper for inputs this small, and every agent request hashes its secret; older Node falls back.
 */
export const sha256: {
  (text: string, encoding: 'hex'): string;
  (text: string, encoding: 'buffer'): Buffer;
} =
  typeof crypto.hash === 'function'
    ? (text: string, encoding: 'hex' | 'buffer') => crypto.hash('sha256', text, encoding) as never
    : (text: string, encoding: 'hex' | 'buffer') => {
        const digest = crypto.createHash('sha256').update(text, 'utf8');
        return (encoding === 'hex' ? digest.digest('hex') : digest.digest()) as never;
      };

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
