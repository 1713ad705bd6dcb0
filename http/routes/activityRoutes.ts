import Router from '@koa/router';
import { z } from 'zod';
import type { ActivityLog } from '../../src/provider/ActivityLog.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';

const time = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date or time')
  .transform((value) => new Date(value).toISOString());

const listQuery = z.object({
  machine: z.string().min(1).max(128).optional(),
  application: z.string().min(1).max(256).optional(),
  type: z.string().min(1).max(64).optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2048).optional(),
});

/** The Activity endpoints of API.md: `GET /api/v1/activity` (newest first, paged) and `DELETE` (clear). */
export function createActivityRouter(deps: { activity: ActivityLog }): Router {
  const router = new Router({ prefix: '/api/v1/activity' });

  router.get('/', async (ctx) => {
    const query = listQuery.parse(ctx.query);
    const page = await deps.activity.query({
      ...query,
      cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    ctx.body = {
      entries: page.entries,
      nextCursor: page.nextCursor === undefined ? undefined : encodeCursor(page.nextCursor),
    };
  });

  router.delete('/', async (ctx) => {
    await deps.activity.clear();
    ctx.status = 204;
  });

  return router;
}
