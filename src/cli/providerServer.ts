import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { type AppParts, createApp } from '../../http/createApp.ts';
import { listRoutes, type RouteInfo } from '../../http/routeList.ts';
import { createAboutRouter, createHealthRouter } from '../../http/routes/systemRoutes.ts';
import { createUpdatesRouter } from '../../http/routes/updatesRoutes.ts';
import { openProviderCore, type ProviderCore } from '../provider/ProviderCore.ts';
import type { SignaturePolicy } from '../provider/signaturePolicy.ts';
import { type AdminSecurity, openAdminSecurity } from './adminSecurity.ts';

/** Everything `patchbay provider` can be told. */
export interface ProviderServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Largest package upload, in bytes (413 past it). Default 2 GiB. */
  maxUploadBytes?: number;
  /** Largest JSON body on admin routes, in bytes. Default 1 MiB. */
  maxJsonBytes?: number;
  signaturePolicy?: SignaturePolicy;
  log?: (line: string) => void;
}

/** A provider serving HTTP. */
export interface RunningProvider {
  url: string;
  port: number;
  core: ProviderCore;
  app: Koa;
  server: Server;
  /** Every route served, public or behind the admin guard (read from the routers). */
  routes: RouteInfo[];
  /** Stops accepting connections, flushes every actor and closes the store. */
  close(): Promise<void>;
}

/** The version in package.json, shown by /api/v1/about. */
export const PATCHBAY_VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** Accepts packages as they come and records whether they carried a signature (until the Content policy lands). */
const acceptAllPolicy: SignaturePolicy = {
  check: (_sha, signature) => ({ signed: signature !== undefined }),
};

/** Opens the provider's data under `dataDir` and serves the agent, content and admin APIs. */
export async function startProviderServer(options: ProviderServerOptions): Promise<RunningProvider> {
  const core = await openProviderCore({ dataDir: options.dataDir });
  let security: AdminSecurity;
  try {
    security = await openAdminSecurity(core.store, options.dataDir, options.log);
  } catch (error) {
    await core.close();
    throw error;
  }
  const parts: AppParts = {
    publicRouters: [createHealthRouter(() => core.store.isOpen), ...security.publicRouters],
    authenticate: security.authenticate,
    adminRouters: [
      ...security.adminRouters,
      createAboutRouter({ version: PATCHBAY_VERSION, role: 'local' }),
      createUpdatesRouter({
        catalog: core.catalog,
        content: core.content,
        signaturePolicy: options.signaturePolicy ?? acceptAllPolicy,
        maxUploadBytes: options.maxUploadBytes ?? 2 * 1024 ** 3,
        maxJsonBytes: options.maxJsonBytes ?? 1024 * 1024,
      }),
    ],
    log: (message, error) => options.log?.(`${message}: ${(error as Error)?.stack ?? String(error)}`),
  };
  const app = createApp(parts);
  const server = app.listen(options.port ?? 8092, options.host ?? '0.0.0.0');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await core.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    core,
    app,
    server,
    routes: listRoutes(parts),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await core.close();
      })();
      return closing;
    },
  };
}
