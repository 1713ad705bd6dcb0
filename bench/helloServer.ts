import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { createLimitedServer, resolveRequestLimits } from '../http/requestLimits.ts';

/**
 * Adds the benchmarks' baseline route, `GET /bench/hello` → `{ hello: 'world' }`, to a provider's Koa
 * app right after the error middleware (where the agent routes sit), and serves the app from a new
 * server made like the CLI's (default limits, replies sent together) on 127.0.0.1 and a free port:
 * Koa composes its middleware when a server is made, so the CLI's own server keeps the app as it was.
 *
 * @example const { server, url } = await serveWithHelloRoute(provider.app)
 */
export async function serveWithHelloRoute(app: Koa): Promise<{ server: Server; url: string }> {
  const hello: Middleware = async (ctx, next) => {
    if (ctx.path === '/bench/hello') ctx.body = { hello: 'world' };
    else await next();
  };
  app.middleware.splice(1, 0, hello);
  const server = createLimitedServer(app, resolveRequestLimits());
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
