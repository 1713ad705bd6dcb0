import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { contentAccess } from '../../http/auth/contentAccess.ts';
import { identifyAgentWith } from '../../http/auth/identifyAgent.ts';
import { type AppParts, createApp } from '../../http/createApp.ts';
import { createDebugRouter } from '../../http/debugRoutes.ts';
import { closeUnreadRequests, handlerTimeLimit, isStreamedUpload } from '../../http/handlerTimeLimit.ts';
import { createLimitedServer, type RequestLimits, resolveRequestLimits } from '../../http/requestLimits.ts';
import { listRoutes, type RouteInfo } from '../../http/routeList.ts';
import { createActivityRouter } from '../../http/routes/activityRoutes.ts';
import { type AgentRoutesDeps, createAgentRouter } from '../../http/routes/agentRoutes.ts';
import { createConfigRouter } from '../../http/routes/configRoutes.ts';
import { createContentRouter } from '../../http/routes/contentRoutes.ts';
import { createFoldersRouter } from '../../http/routes/foldersRoutes.ts';
import { createGroupsRouter } from '../../http/routes/groupsRoutes.ts';
import { createLicenseRouter } from '../../http/routes/licenseRoutes.ts';
import { createMachineCredentialsRouter } from '../../http/routes/machineCredentialsRoutes.ts';
import { createMachinesRouter } from '../../http/routes/machinesRoutes.ts';
import { createReportRouter } from '../../http/routes/reportRoutes.ts';
import { createAboutRouter, createHealthRouter } from '../../http/routes/systemRoutes.ts';
import { createUpdatesRouter } from '../../http/routes/updatesRoutes.ts';
import type { License } from '../domain/license.ts';
import { heldBackReason } from '../domain/planPolicy.ts';
import { FolderScanner } from '../provider/FolderScanner.ts';
import { loadSignaturePolicy } from '../provider/loadSignaturePolicy.ts';
import { MACHINE_KIND } from '../provider/machineKind.ts';
import { type FleetServices, openFleet } from '../provider/openFleet.ts';
import { openProviderCore, type ProviderCore } from '../provider/ProviderCore.ts';
import type { SignaturePolicy } from '../provider/signaturePolicy.ts';
import { type FolderImportEvent, type ImportReporter, UpdateFolders } from '../provider/UpdateFolders.ts';
import type { ActorHostOptions } from '../runtime/ActorHost.ts';
import { createHostInspector, hostMachines } from '../runtime/hostInspector.ts';
import { type AdminSecurity, openAdminSecurity } from './adminSecurity.ts';
import { type AgentSecurity, type AgentSecurityOptions, openAgentSecurity } from './agentSecurity.ts';
import { DEFAULT_HEAP_GROWING_PERCENT, limitHeapGrowth } from './heapGrowth.ts';
import { applyLicenseGate } from './licenseGate.ts';
import { readPackageVersion } from './packageVersion.ts';

/** Everything `patchbay provider` can be told. */
export interface ProviderServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Largest package upload, in bytes (413 past it). Default 2 GiB. */
  maxUploadBytes?: number;
  /** Largest JSON body on admin routes, in bytes. Default 1 MiB. */
  maxJsonBytes?: number;
  /**
   * VerifyDigitalSignature (default true): only packages signed by a trusted key are imported.
   * Trusted keys are `<dataDir>/trusted-keys/*.pub` plus `trustedKeyFiles`.
   */
  verifySignatures?: boolean;
  /** More trusted public key files (`--trusted-key`). */
  trustedKeyFiles?: string[];
  /** Replaces the policy built from `verifySignatures` and the trusted keys (tests, embedders). */
  signaturePolicy?: SignaturePolicy;
  /** Largest check-in body in bytes (413 past it). Default 262,144, the manual's MaximumMessageSize. */
  maxCheckInBytes?: number;
  /** The base URL agents are given for content (e.g. behind a proxy); default each request's origin. */
  publicUrl?: string;
  /** How often coalesced last-contact times are written, in ms (default 250). */
  contactFlushMs?: number;
  /** Actor host tuning (most live actors, batch size). */
  actorHost?: ActorHostOptions;
  /** fsync every commit batch (default true). */
  sync?: boolean;
  /**
   * How far V8 may grow the heap past the live set, in percent (default 50; 0 keeps V8's own factor;
   * a node `--heap-growing-percent` flag wins). Process-wide. See src/cli/heapGrowth.ts.
   */
  heapGrowingPercent?: number;
  /** Replaces the agent identity hook (default: enrollment key and per-machine secrets). */
  identifyAgent?: AgentRoutesDeps['identifyAgent'];
  /** Delay before the first scan of `auto` update folders, in ms (default 90 000). */
  scanDelayMs?: number;
  /** Pause between scans of `auto` update folders, in ms (default 60 000). */
  scanIntervalMs?: number;
  /** How long a package in a folder must go unmodified before it is imported, in ms (default 2000). */
  folderSettleMs?: number;
  /** Receives folder import events (the activity log, once wired); defaults to a log line each. */
  importReporter?: ImportReporter;
  /** Agent enrollment and content URL signing (keys default to files under the data folder). */
  agents?: Omit<AgentSecurityOptions, 'dataDir' | 'log'> & {
    /** Serve /content without signed URLs (default false: a URL from a check-in or an admin token is needed). */
    openContent?: boolean;
  };
  /** SendTimeout and the slow-sender cut-offs. */
  limits?: RequestLimits;
  /** A verified license (the entitlement gate): without the `updates` feature agents get no installs. */
  license?: License;
  log?: (line: string) => void;
}

/** A provider serving HTTP. */
export interface RunningProvider {
  url: string;
  port: number;
  core: ProviderCore;
  fleet: FleetServices;
  folders: UpdateFolders;
  scanner: FolderScanner;
  app: Koa;
  server: Server;
  /** Every route served, public or behind the admin guard (read from the routers). */
  routes: RouteInfo[];
  /** Authorized users, agent identity and content URL signing. */
  security: AdminSecurity & AgentSecurity;
  /** The VerifyDigitalSignature setting and the trusted keys' ids, unless a policy object was passed in. */
  signatures?: { required: boolean; trustedKeys: Array<{ path: string; keyId: string }> };
  /** Stops accepting connections, flushes every actor and closes the store. */
  close(): Promise<void>;
}

/** The version in package.json, shown by /api/v1/about. */
export const PATCHBAY_VERSION: string = readPackageVersion();

/** Opens the provider's data under `dataDir` and serves the agent, content and admin APIs. */
export async function startProviderServer(options: ProviderServerOptions): Promise<RunningProvider> {
  limitHeapGrowth(options.heapGrowingPercent ?? DEFAULT_HEAP_GROWING_PERCENT);
  // The policy is built before the store opens, so a broken trust list fails startup cleanly.
  const loaded = options.signaturePolicy
    ? undefined
    : await loadSignaturePolicy({
        dataDir: options.dataDir,
        trustedKeyFiles: options.trustedKeyFiles,
        required: options.verifySignatures,
      });
  const signaturePolicy = options.signaturePolicy ?? loaded!.policy;
  const core = await openProviderCore({
    dataDir: options.dataDir,
    kinds: [MACHINE_KIND],
    host: options.actorHost,
    sync: options.sync,
  });
  const logError = (message: string, error: unknown) =>
    options.log?.(`${message}: ${(error as Error)?.stack ?? String(error)}`);
  const limits = resolveRequestLimits(options.limits);
  let security: AdminSecurity & AgentSecurity;
  let fleet: FleetServices;
  try {
    security = {
      ...(await openAdminSecurity(core.store, options.dataDir, options.log)),
      ...(await openAgentSecurity(core.store, {
        ...options.agents,
        dataDir: options.dataDir,
        log: options.log,
      })),
    };
    fleet = await openFleet(core, {
      contactFlushMs: options.contactFlushMs,
      onError: (error) => logError('a background write failed', error),
    });
  } catch (error) {
    await core.close();
    throw error;
  }
  const stopLicenseGate = applyLicenseGate(fleet.config, options.license);
  const maxJsonBytes = options.maxJsonBytes ?? 1024 * 1024;
  const folders = new UpdateFolders(
    core.store,
    { catalog: core.catalog, content: core.content, policy: signaturePolicy },
    {
      settleMs: options.folderSettleMs,
      reporter:
        options.importReporter ??
        ((event) => {
          const description = describeImportEvent(event);
          options.log?.(description);
          fleet.activity
            .append({
              type: `folder.${event.outcome}`,
              description,
              updateId: event.outcome === 'imported' ? event.update.id : undefined,
              detail: event.folderPath,
            })
            .catch((error: unknown) => logError('an activity write failed', error));
        }),
    },
  );
  await folders.load();
  const scanner = new FolderScanner(folders, {
    delayMs: options.scanDelayMs,
    intervalMs: options.scanIntervalMs,
    onError: (error) => options.log?.(`folder scan failed: ${(error as Error)?.stack ?? String(error)}`),
  });
  const parts: AppParts = {
    // The agent routes first: every router on the way matches the path against its own routes, and
    // check-ins and events are nearly all the traffic.
    publicRouters: [
      createAgentRouter({
        fleet: fleet.fleet,
        maxCheckInBytes: options.maxCheckInBytes,
        publicUrl: options.publicUrl,
        identifyAgent: options.identifyAgent ?? identifyAgentWith(security.identity),
        contentPath: options.agents?.openContent ? undefined : (sha256) => security.signContentPath(sha256),
      }),
      createHealthRouter(() => core.store.isOpen),
      createContentRouter({
        content: core.content,
        authorize: options.agents?.openContent
          ? undefined
          : contentAccess({ keys: security.urlKeys, users: security.users }),
      }),
      ...security.publicRouters,
    ],
    authenticate: security.authenticate,
    limits: [closeUnreadRequests(), handlerTimeLimit({ ms: limits.sendTimeoutMs, exempt: isStreamedUpload })],
    adminRouters: [
      ...security.adminRouters,
      createLicenseRouter(options.license),
      createMachineCredentialsRouter(security.identity),
      createAboutRouter({ version: PATCHBAY_VERSION, role: 'local' }),
      createUpdatesRouter({
        catalog: core.catalog,
        content: core.content,
        signaturePolicy,
        maxUploadBytes: options.maxUploadBytes ?? 2 * 1024 ** 3,
        maxJsonBytes,
        decorate: (update) => {
          const reason = heldBackReason(update, fleet.config.policy);
          return reason === undefined ? { heldBack: false } : { heldBack: true, heldBackReason: reason };
        },
      }),
      createFoldersRouter({ folders, maxJsonBytes }),
      createReportRouter({ queries: fleet.queries }),
      createGroupsRouter({ groups: fleet.groups, fleet: fleet.fleet, index: fleet.index, maxJsonBytes }),
      createMachinesRouter({ queries: fleet.queries, groups: fleet.groups }),
      createActivityRouter({ activity: fleet.activity }),
      createConfigRouter({ config: fleet.config, maxJsonBytes }),
      createDebugRouter({ machines: hostMachines(core.host), inspector: createHostInspector(core.host) }),
    ],
    log: logError,
  };
  const app = createApp(parts);
  const server = createLimitedServer(app, limits).listen(options.port ?? 8092, options.host ?? '0.0.0.0');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    stopLicenseGate();
    await fleet.close();
    await core.close();
    throw error;
  }
  scanner.start();
  void fleet.loadDirectory();
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    core,
    fleet,
    folders,
    scanner,
    app,
    server,
    routes: listRoutes(parts),
    security,
    signatures: loaded && { required: loaded.required, trustedKeys: loaded.trustedKeys },
    close() {
      closing ??= (async () => {
        await scanner.stop();
        stopLicenseGate();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await fleet.close();
        await security.saveVerified();
        await core.close();
      })();
      return closing;
    },
  };
}

/** One log line (and activity description) for a folder import event. */
function describeImportEvent(event: FolderImportEvent): string {
  const where = `update folder ${event.folderPath}`;
  switch (event.outcome) {
    case 'imported':
      return `${where}: imported ${event.file} as ${event.update.id} (PreApproval)${event.removed ? '' : '; could not remove it from the folder'}`;
    case 'duplicate':
      return `${where}: ${event.file} is already in the catalog as ${event.updateId}`;
    case 'rejected':
      return `${where}: not importing ${event.file}: ${event.error.code} ${event.error.message}`;
    case 'folderUnreadable':
      return `${where}: cannot read the folder: ${event.error.message}`;
  }
}
