import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createDebugRouter } from '../../http/debugRoutes.ts';
import { ERROR_CODES } from '../../src/domain/errorCodes.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';
import { InMemoryInspector } from './inMemoryInspector.ts';

/** A running debug app for tests: its base URL, the inspector behind it, and how to stop it. */
export interface DebugServer {
  url: string;
  inspector: InMemoryInspector;
  close(): Promise<void>;
}

/**
 * Serves the debug router on 127.0.0.1 with a port the OS picks. The error mapper here is the
 * test's own minimal stand-in for the admin app's error middleware: PatchbayError → envelope.
 */
export async function startDebugServer(options: { heartbeatMs?: number } = {}): Promise<DebugServer> {
  const inspector = new InMemoryInspector(MACHINES);
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!isPatchbayError(error)) throw error;
      ctx.status = ERROR_CODES[error.code].status;
      ctx.body = { error: { code: error.code, message: error.message, details: error.details } };
    }
  });
  const router = createDebugRouter({ machines: MACHINES, inspector, heartbeatMs: options.heartbeatMs });
  app.use(router.routes()).use(router.allowedMethods());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inspector,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
