import Router from '@koa/router';
import { z } from 'zod';
import type { FleetQueries } from '../../src/provider/FleetQueries.ts';

const reportQuery = z.object({
  since: z
    .string()
    .max(64)
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date or time')
    .optional(),
});

/**
 * `GET /api/v1/report?since=` (machines by ErrorState / NeedsAttention / UpToDate, filtered by last
 * contact) and `GET /api/v1/updates/:id/status` (machines installed / pending / failed).
 */
export function createReportRouter(deps: { queries: FleetQueries }): Router {
  const router = new Router();

  router.get('/api/v1/report', async (ctx) => {
    const query = reportQuery.parse(ctx.query);
    ctx.body = await deps.queries.report(query.since === undefined ? undefined : new Date(query.since));
  });

  router.get('/api/v1/updates/:id/status', async (ctx) => {
    ctx.body = await deps.queries.updateStatus(ctx.params.id!);
  });

  return router;
}
