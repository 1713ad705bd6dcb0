import type { AddressInfo } from 'node:net';
import { createApp } from '../../http/createApp.ts';
import { createDebugRouter } from '../../http/debugRoutes.ts';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';
import { InMemoryInspector } from './inMemoryInspector.ts';

/** A running debug app for tests: its base URL, the inspector behind it, and how to stop it. */
export interface DebugServer {
  url: string;
  inspector: InMemoryInspector;
  close(): Promise<void>;
}

/**
 * Serves the debug router, inside the real admin app shell (error middleware included), on
 * 127.0.0.1 with a port the OS picks, over an in-memory inspector the test drives.
 */
export async function startDebugServer(options: { heartbeatMs?: number } = {}): Promise<DebugServer> {
  const inspector = new InMemoryInspector(MACHINES);
  const app = createApp({
    publicRouters: [],
    adminRouters: [createDebugRouter({ machines: MACHINES, inspector, heartbeatMs: options.heartbeatMs })],
  });
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
