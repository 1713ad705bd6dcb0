import Router from '@koa/router';
import { z } from 'zod';
import type { PlannedAction } from '../../src/provider/Fleet.ts';
import type { FleetQueries } from '../../src/provider/FleetQueries.ts';
import type { Groups } from '../../src/provider/Groups.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';

/** What the Machines routes need. */
export interface MachinesRoutesDeps {
  queries: FleetQueries;
  groups: Groups;
}

const listQuery = z.object({
  search: z.string().max(256).optional(),
  group: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
});

/** A pending action as the Machines detail shows it. */
function pendingJson({ action, update }: PlannedAction): Record<string, unknown> {
  return {
    kind: action.kind,
    highPriority: action.highPriority,
    updateId: action.updateId,
    application: update.application,
    release: update.release,
    patch: update.patch,
    installType: action.installType,
    version: action.version,
    rollbackTo: action.rollbackTo,
    relatedTo: action.relatedTo,
  };
}

/** The Machines endpoints of API.md: the list by name (prefix search, group filter, cursor) and the detail. */
export function createMachinesRouter(deps: MachinesRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/machines' });

  router.get('/', async (ctx) => {
    const query = listQuery.parse(ctx.query);
    if (query.group !== undefined) deps.groups.require(query.group);
    const page = await deps.queries.list({
      search: query.search,
      groupId: query.group,
      limit: query.limit,
      cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    ctx.body = {
      machines: page.machines,
      nextCursor: page.nextCursor === undefined ? undefined : encodeCursor(page.nextCursor),
    };
  });

  router.get('/:id', async (ctx) => {
    const detail = await deps.queries.detail(ctx.params.id!);
    ctx.body = { ...detail, pendingActions: detail.pendingActions.map(pendingJson) };
  });

  return router;
}
