import type { Context } from 'koa';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import type { AuthorizedUsers } from '../../src/provider/auth/AuthorizedUsers.ts';
import { checkContentSignature } from '../../src/provider/signedUrls.ts';
import { authorizationCredential, sessionCookie } from './credentials.ts';

/** What decides who may read `/content/<sha256>`. */
export interface ContentAccessOptions {
  /** URL keys: the first signs, all verify (so a key can be rotated). */
  keys: Buffer[];
  /** When given, an admin token or session also opens content (for admins fetching by hand). */
  users?: AuthorizedUsers;
  now?: () => number;
}

const MESSAGES = {
  missing: 'content URLs are signed: use the URL from a check-in (exp and sig), or an admin token',
  invalid: 'the content URL signature does not match',
  expired: 'the content URL has expired: check in again for a fresh one',
} as const;

/**
 * The content route's access check: a request passes with a valid, unexpired `exp` + `sig` for
 * this hash (see src/provider/signedUrls.ts), or with admin credentials when `users` is given;
 * otherwise 401 UNAUTHENTICATED. The hash must already be validated and lower-case.
 *
 * @example createContentRouter({ content, authorize: contentAccess({ keys: [urlKey], users }) })
 */
export function contentAccess(options: ContentAccessOptions): (ctx: Context, sha256: string) => void {
  const now = options.now ?? Date.now;
  return (ctx, sha256) => {
    const check = checkContentSignature(options.keys, sha256, ctx.query.exp, ctx.query.sig, now());
    if (check === 'valid') return;
    if (options.users) {
      const token = authorizationCredential(ctx, 'Bearer');
      const session = sessionCookie(ctx);
      if (token !== undefined && options.users.userForToken(token) !== undefined) return;
      if (session !== undefined && options.users.userForSession(session) !== undefined) return;
    }
    throw new PatchbayError(MESSAGES[check], { code: 'UNAUTHENTICATED', details: { sha256, reason: check } });
  };
}
