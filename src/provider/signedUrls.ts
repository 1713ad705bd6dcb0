import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// A content URL handed to an agent carries `exp` (unix seconds) and `sig` =
// HMAC-SHA256(url key, "<sha256>:<exp>") in base64url. Anyone holding the URL key — this provider
// or a remote cache configured with the same key — can check a URL without knowing which machine
// asked for it, and a leaked URL stops working at `exp`.

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SIG_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Expiry is rounded up to this step so every check-in within it hands out the same URL (cacheable). */
const EXPIRY_STEP_SECONDS = 3600;

/** What {@link checkContentSignature} found. */
export type ContentSignatureCheck = 'valid' | 'missing' | 'expired' | 'invalid';

/** Makes a fresh random URL key (32 bytes, base64url), as written to `<data>/url-key`. */
export function generateUrlKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The key bytes of a URL key as stored in a file (base64url). Throws TypeError for a short key. */
export function parseUrlKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < 16) throw new TypeError(`Expected a URL key of at least 16 bytes, got ${key.length}`);
  return key;
}

/** The signature of one content hash and expiry. */
export function contentSignature(key: Buffer, sha256: string, exp: number): string {
  return createHmac('sha256', key).update(`${sha256}:${exp}`).digest('base64url');
}

/**
 * The path and query of a signed content URL, valid for at least `ttlSeconds` from `nowMs`.
 *
 * @example signContentPath(key, sha, Date.now(), 86400) // '/content/<sha>?exp=1767225600&sig=…'
 */
export function signContentPath(key: Buffer, sha256: string, nowMs: number, ttlSeconds: number): string {
  if (!SHA256_HEX.test(sha256)) throw new TypeError(`Expected a lower-case SHA-256 hex, got \`${sha256}\``);
  const exp = expiryOf(nowMs, ttlSeconds);
  return `/content/${sha256}?exp=${exp}&sig=${contentSignature(key, sha256, exp)}`;
}

function expiryOf(nowMs: number, ttlSeconds: number): number {
  return Math.ceil((Math.floor(nowMs / 1000) + ttlSeconds) / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
}

/**
 * {@link signContentPath} for one key and lifetime, remembering each hash's path until its expiry
 * step moves on. A release hands the same few URLs to thousands of machines a second, and an HMAC
 * per URL was ~2% of a check-in's cost; within a step the path is the same string anyway. Holds at
 * most `capacity` hashes (starts over past it), so a huge catalog costs memory only up to that.
 *
 * @example const sign = memoizedContentSigner(key, 86_400); sign(sha, Date.now())
 */
export function memoizedContentSigner(
  key: Buffer,
  ttlSeconds: number,
  capacity = 4096,
): (sha256: string, nowMs: number) => string {
  const paths = new Map<string, { exp: number; path: string }>();
  return (sha256, nowMs) => {
    const exp = expiryOf(nowMs, ttlSeconds);
    const known = paths.get(sha256);
    if (known !== undefined && known.exp === exp) return known.path;
    const path = signContentPath(key, sha256, nowMs, ttlSeconds);
    if (known === undefined && paths.size >= capacity) paths.clear();
    paths.set(sha256, { exp, path });
    return path;
  };
}

/**
 * Checks the `exp` and `sig` query values of a content request against any of `keys` (the first
 * signs; older ones still verify during a key rotation). Compares in constant time.
 */
export function checkContentSignature(
  keys: Buffer[],
  sha256: string,
  exp: unknown,
  sig: unknown,
  nowMs: number,
): ContentSignatureCheck {
  if (exp === undefined && sig === undefined) return 'missing';
  if (
    typeof exp !== 'string' ||
    typeof sig !== 'string' ||
    !/^\d{1,12}$/.test(exp) ||
    !SIG_PATTERN.test(sig)
  ) {
    return 'invalid';
  }
  const presented = Buffer.from(sig, 'base64url');
  const valid = keys.some((key) =>
    timingSafeEqual(Buffer.from(contentSignature(key, sha256, Number(exp)), 'base64url'), presented),
  );
  if (!valid) return 'invalid';
  return Number(exp) * 1000 <= nowMs ? 'expired' : 'valid';
}
