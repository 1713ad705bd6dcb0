import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createApp } from '../../http/createApp.ts';
import { createDebugRouter } from '../../http/debugRoutes.ts';
import { createActivityRouter } from '../../http/routes/activityRoutes.ts';
import { type AgentRoutesDeps, createAgentRouter } from '../../http/routes/agentRoutes.ts';
import { createConfigRouter } from '../../http/routes/configRoutes.ts';
import { createGroupsRouter } from '../../http/routes/groupsRoutes.ts';
import { createMachinesRouter } from '../../http/routes/machinesRoutes.ts';
import { createReportRouter } from '../../http/routes/reportRoutes.ts';
import { createAboutRouter, createHealthRouter } from '../../http/routes/systemRoutes.ts';
import { createUpdatesRouter } from '../../http/routes/updatesRoutes.ts';
import { heldBackReason } from '../domain/planPolicy.ts';
import { MACHINE_KIND } from '../provider/machineKind.ts';
import { type FleetServices, openFleet } from '../provider/openFleet.ts';
import { openProviderCore, type ProviderCore } from '../provider/ProviderCore.ts';
import type { SignaturePolicy } from '../provider/signaturePolicy.ts';
import type { ActorHostOptions } from '../runtime/ActorHost.ts';
import { createHostInspector, hostMachines } from '../runtime/hostInspector.ts';

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
  /** Largest check-in body in bytes (413 past it). Default 262,144, the manual's MaximumMessageSize. */
  maxCheckInBytes?: number;
  /** The base URL agents are given for content (e.g. behind a proxy); default each request's origin. */
  publicUrl?: string;
  /** How often coalesced last-contact times are written, in ms (default 30 s). */
  contactFlushMs?: number;
  /** Actor host tuning (most live actors, batch size). */
  actorHost?: ActorHostOptions;
  /** fsync every commit batch (default true). */
  sync?: boolean;
  /** The agent identity hook (the Security issue's per-machine secrets). */
  identifyAgent?: AgentRoutesDeps['identifyAgent'];
  log?: (line: string) => void;
}

/** A provider serving HTTP. */
export interface RunningProvider {
  url: string;
  port: number;
  core: ProviderCore;
  fleet: FleetServices;
  app: Koa;
  server: Server;
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
  const core = await openProviderCore({
    dataDir: options.dataDir,
    kinds: [MACHINE_KIND],
    host: options.actorHost,
    sync: options.sync,
  });
  const logError = (message: string, error: unknown) =>
    options.log?.(`${message}: ${(error as Error)?.stack ?? String(error)}`);
  const fleet = await openFleet(core, {
    contactFlushMs: options.contactFlushMs,
    onError: (error) => logError('a background write failed', error),
  });
  const maxJsonBytes = options.maxJsonBytes ?? 1024 * 1024;
  const app = createApp({
    publicRouters: [
      createHealthRouter(() => core.store.isOpen),
      createAgentRouter({
        fleet: fleet.fleet,
        maxCheckInBytes: options.maxCheckInBytes,
        publicUrl: options.publicUrl,
        identifyAgent: options.identifyAgent,
      }),
    ],
    adminRouters: [
      createAboutRouter({ version: PATCHBAY_VERSION, role: 'local' }),
      createUpdatesRouter({
        catalog: core.catalog,
        content: core.content,
        signaturePolicy: options.signaturePolicy ?? acceptAllPolicy,
        maxUploadBytes: options.maxUploadBytes ?? 2 * 1024 ** 3,
        maxJsonBytes,
        decorate: (update) => {
          const reason = heldBackReason(update, fleet.config.policy);
          return reason === undefined ? { heldBack: false } : { heldBack: true, heldBackReason: reason };
        },
      }),
      createReportRouter({ queries: fleet.queries }),
      createGroupsRouter({ groups: fleet.groups, fleet: fleet.fleet, index: fleet.index, maxJsonBytes }),
      createMachinesRouter({ queries: fleet.queries, groups: fleet.groups }),
      createActivityRouter({ activity: fleet.activity }),
      createConfigRouter({ config: fleet.config, maxJsonBytes }),
      createDebugRouter({ machines: hostMachines(core.host), inspector: createHostInspector(core.host) }),
    ],
    log: logError,
  });
  const server = app.listen(options.port ?? 8092, options.host ?? '0.0.0.0');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await fleet.close();
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
    fleet,
    app,
    server,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await fleet.close();
        await core.close();
      })();
      return closing;
    },
  };
}
