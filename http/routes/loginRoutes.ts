import Router from '@koa/router';
import { z } from 'zod';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import type { AuthorizedUsers } from '../../src/provider/auth/AuthorizedUsers.ts';
import { SESSION_COOKIE, sessionCookie } from '../auth/credentials.ts';
import { readJsonBody } from '../readJsonBody.ts';

const loginBody = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const MAX_LOGIN_BYTES = 4096;

/**
 * `POST /api/v1/login` `{ name, password }` → 200 `{ name, expiresAt }` and an HttpOnly,
 * SameSite=Strict session cookie; a wrong name or password is 401 with one message for both.
 * `POST /api/v1/logout` ends the cookie's session → 204. Both are public: they are how one gets in.
 */
export function createLoginRouter(users: AuthorizedUsers): Router {
  const router = new Router({ prefix: '/api/v1' });

  router.post('/login', async (ctx) => {
    const body = loginBody.parse(await readJsonBody(ctx, { maxBytes: MAX_LOGIN_BYTES, maxDepth: 2 }));
    const session = await users.login(body.name, body.password);
    if (!session) throw new PatchbayError('wrong name or password', { code: 'UNAUTHENTICATED' });
    ctx.cookies.set(SESSION_COOKIE, session.sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: '/',
      expires: new Date(session.expiresAt),
      overwrite: true,
    });
    ctx.body = { name: body.name, expiresAt: new Date(session.expiresAt).toISOString() };
  });

  router.post('/logout', async (ctx) => {
    const sessionId = sessionCookie(ctx);
    if (sessionId !== undefined) await users.logout(sessionId);
    ctx.cookies.set(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      expires: new Date(0),
    });
    ctx.status = 204;
  });

  return router;
}
