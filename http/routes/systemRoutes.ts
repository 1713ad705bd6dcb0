import { hostname, networkInterfaces } from 'node:os';
import Router from '@koa/router';

/** What /api/v1/about reports. */
export interface AboutInfo {
  version: string;
  role: 'local' | 'remote';
}

/** Non-internal addresses of this machine, for the About page. */
function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && !entry.internal)
    .map((entry) => entry!.address);
}

/** `GET /healthz` (public) for load balancers. */
export function createHealthRouter(isHealthy: () => boolean): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    const healthy = isHealthy();
    ctx.status = healthy ? 200 : 503;
    ctx.body = { status: healthy ? 'ok' : 'unavailable' };
  });
  return router;
}

/** `GET /api/v1/about`: name, version, machine name, addresses and role. */
export function createAboutRouter(info: AboutInfo): Router {
  const router = new Router();
  router.get('/api/v1/about', (ctx) => {
    ctx.body = {
      name: 'Patchbay',
      version: info.version,
      machineName: hostname(),
      addresses: machineAddresses(),
      role: info.role,
    };
  });
  return router;
}
