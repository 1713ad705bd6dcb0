import type Router from '@koa/router';
import type { AppParts } from './createApp.ts';

/** One method and path an app serves, and whether it sits behind the admin guard. */
export interface RouteInfo {
  method: string;
  /** The router path with its `:params`, e.g. `/api/v1/updates/:id`. */
  path: string;
  access: 'public' | 'admin';
}

function routesOf(routers: Router[], access: RouteInfo['access']): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') continue;
      // HEAD rides along with GET; a layer with no methods is router-level middleware.
      for (const method of layer.methods)
        if (method !== 'HEAD') routes.push({ method, path: layer.path, access });
    }
  }
  return routes;
}

/**
 * Every route of an app, read from its routers, so tests that must cover "every endpoint" (the 401
 * test, the fuzz test) pick up new routes without being edited.
 *
 * @example listRoutes(parts) // [{ method: 'GET', path: '/healthz', access: 'public' }, …]
 */
export function listRoutes(parts: Pick<AppParts, 'publicRouters' | 'adminRouters'>): RouteInfo[] {
  return [...routesOf(parts.publicRouters, 'public'), ...routesOf(parts.adminRouters, 'admin')];
}
