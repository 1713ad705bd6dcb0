import type { Context } from 'koa';

/** The cookie that carries a login session id. */
export const SESSION_COOKIE = 'patchbay_session';

// Secrets are ~50 characters; anything far longer is not one of ours and is not worth hashing.
const MAX_SECRET_LENGTH = 256;

/**
 * The credential after `Authorization: <scheme> ` when the scheme matches (case-insensitive), or
 * undefined. A header with another scheme, no value or an oversized value counts as none.
 *
 * @example authorizationCredential(ctx, 'Bearer') // 'pbt_…'
 */
export function authorizationCredential(ctx: Context, scheme: string): string | undefined {
  const header = ctx.get('authorization');
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  const value = header.slice(space + 1).trim();
  return value.length > 0 && value.length <= MAX_SECRET_LENGTH ? value : undefined;
}

/** The session id from the session cookie, or undefined. */
export function sessionCookie(ctx: Context): string | undefined {
  const value = ctx.cookies.get(SESSION_COOKIE);
  return value && value.length <= MAX_SECRET_LENGTH ? value : undefined;
}
