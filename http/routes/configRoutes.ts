import Router from '@koa/router';
import type { ProviderConfig, ProviderSettings } from '../../src/provider/ProviderConfig.ts';
import { configPatchSchema } from '../fleetSchemas.ts';
import { readJsonBody } from '../readJsonBody.ts';

/** The provider settings as the API shows them. */
function configJson(settings: ProviderSettings): Record<string, unknown> {
  return {
    platformVersions: settings.platformVersions,
    checkInterval: settings.checkInterval,
    staleAfterMs: settings.staleAfterMs,
  };
}

/** `GET /api/v1/config` and `PATCH /api/v1/config` (platform versions merge; null removes a product line). */
export function createConfigRouter(deps: { config: ProviderConfig; maxJsonBytes: number }): Router {
  const router = new Router({ prefix: '/api/v1/config' });

  router.get('/', (ctx) => {
    ctx.body = configJson(deps.config.settings);
  });

  router.patch('/', async (ctx) => {
    const body = configPatchSchema.parse(await readJsonBody(ctx, { maxBytes: deps.maxJsonBytes }));
    ctx.body = configJson(await deps.config.update(body));
  });

  return router;
}
