import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import { errorMiddleware } from './errors.ts';

// A known path with the wrong method answers 405 in the error envelope like every other error,
// instead of the router's plain-text reply (an unknown method is refused the same way).
const ALLOWED_METHODS = {
  throw: true,
  methodNotAllowed: () =>
    new PatchbayError('this path does not accept this method', { code: 'METHOD_NOT_ALLOWED' }),
  notImplemented: () => new PatchbayError('this method is not supported', { code: 'METHOD_NOT_ALLOWED' }),
};

/** The routers of one Koa app, split by who may call them. */
export interface AppParts {
  /** Routes anyone may call (health, agent API, content); agent identity is checked inside them. */
  publicRouters: Router[];
  /** Admin routes (/api/v1, /debug), behind `authenticate`. */
  adminRouters: Router[];
  /** Admin authentication; the Security issue fills this slot. Without it admin routes are open. */
  authenticate?: Middleware;
  /** Middleware every request passes before any router (the handler time limit). */
  limits?: Middleware[];
  log?: (message: string, error: unknown) => void;
}

/**
 * Builds a Koa app: one error middleware first, then the limits, then the public routers, then authentication, then
 * the admin routers. Routers are tried in that order, so a public path never meets the admin guard.
 */
export function createApp(parts: AppParts): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(errorMiddleware(parts.log));
  for (const limit of parts.limits ?? []) app.use(limit);
  for (const router of parts.publicRouters)
    app.use(router.routes()).use(router.allowedMethods(ALLOWED_METHODS));
  if (parts.authenticate) app.use(parts.authenticate);
  for (const router of parts.adminRouters)
    app.use(router.routes()).use(router.allowedMethods(ALLOWED_METHODS));
  return app;
}
