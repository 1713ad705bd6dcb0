import type { Middleware } from 'koa';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import type { AuthorizedUsers } from '../../src/provider/auth/AuthorizedUsers.ts';
import { authorizationCredential, sessionCookie } from './credentials.ts';

/**
 * The admin guard for createApp's `authenticate` slot: a request passes with
 * `Authorization: Bearer <API token>` or a live session cookie from POST /api/v1/login, and the
 * user's name goes to `ctx.state.user`. Anything else is 401 UNAUTHENTICATED (with
 * `WWW-Authenticate: Bearer`). It sits after the public routers, so every path they do not serve —
 * including unknown ones — needs credentials: nothing about admin routes leaks to strangers.
 *
 * @example createApp({ publicRouters, adminRouters, authenticate: authenticateAdmin(users) })
 */
export function authenticateAdmin(users: AuthorizedUsers): Middleware {
  return async (ctx, next) => {
    const token = authorizationCredential(ctx, 'Bearer');
    const session = token === undefined ? sessionCookie(ctx) : undefined;
    const user =
      token !== undefined
        ? users.userForToken(token)
        : session !== undefined
          ? users.userForSession(session)
          : undefined;
    if (user === undefined) {
      throw new PatchbayError(
        token !== undefined || session !== undefined
          ? 'the token or session is not valid'
          : 'sign in: send Authorization: Bearer <token> or log in at POST /api/v1/login',
        { code: 'UNAUTHENTICATED' },
      );
    }
    ctx.state.user = user;
    await next();
  };
}
