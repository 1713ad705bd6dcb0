import Router from '@koa/router';
import { z } from 'zod';
import {
  type AuthorizedUsers,
  PASSWORD_LENGTH,
  USER_NAME_PATTERN,
} from '../../src/provider/auth/AuthorizedUsers.ts';
import { readJsonBody } from '../readJsonBody.ts';

const password = z.string().min(PASSWORD_LENGTH.min).max(PASSWORD_LENGTH.max);
const addBody = z.object({ name: z.string().regex(USER_NAME_PATTERN), password: password.optional() });
const passwordBody = z.object({ password });
const nameParam = z.string().regex(USER_NAME_PATTERN);
const MAX_BODY_BYTES = 8192;
const LIMITS = { maxBytes: MAX_BODY_BYTES, maxDepth: 2 };

/**
 * The manual's authorized users, under /api/v1/config/users: `GET` lists them (no secrets);
 * `POST { name, password? }` → 201 `{ name, token }`, the API token shown this once;
 * `DELETE /:name` → 204; `POST /:name/token` replaces the user's tokens → `{ name, token }`;
 * `PUT /:name/password { password }` → 204.
 */
export function createUsersRouter(users: AuthorizedUsers): Router {
  const router = new Router({ prefix: '/api/v1/config/users' });

  router.get('/', (ctx) => {
    ctx.body = users.list();
  });

  router.post('/', async (ctx) => {
    const body = addBody.parse(await readJsonBody(ctx, LIMITS));
    const added = await users.add(body.name, body.password);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = added;
  });

  router.delete('/:name', async (ctx) => {
    await users.remove(nameParam.parse(ctx.params.name));
    ctx.status = 204;
  });

  router.post('/:name/token', async (ctx) => {
    const name = nameParam.parse(ctx.params.name);
    const token = await users.rotateToken(name);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { name, token };
  });

  router.put('/:name/password', async (ctx) => {
    const name = nameParam.parse(ctx.params.name);
    const body = passwordBody.parse(await readJsonBody(ctx, LIMITS));
    await users.setPassword(name, body.password);
    ctx.status = 204;
  });

  return router;
}
