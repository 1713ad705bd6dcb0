import Router from '@koa/router';
import type { Group } from '../../src/domain/fleet.ts';
import { DEFAULT_GROUP_ID } from '../../src/domain/machineSettings.ts';
import type { Fleet } from '../../src/provider/Fleet.ts';
import type { Groups } from '../../src/provider/Groups.ts';
import type { MachineIndex } from '../../src/provider/machineIndex.ts';
import { createGroupSchema, membersSchema, patchGroupSchema } from '../fleetSchemas.ts';
import { readJsonBody } from '../readJsonBody.ts';

/** What the Groups routes need. */
export interface GroupsRoutesDeps {
  groups: Groups;
  fleet: Fleet;
  index: MachineIndex;
  maxJsonBytes: number;
}

/** A group as the API shows it (API.md), fields picked explicitly. */
export function groupJson(group: Group): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    mode: group.mode,
    installDay: group.installDay,
    installHour: group.installHour,
    providers: group.providers,
    isDefault: group.id === DEFAULT_GROUP_ID,
  };
}

/** The Groups endpoints of API.md under /api/v1/groups. */
export function createGroupsRouter(deps: GroupsRoutesDeps): Router {
  const { groups, fleet } = deps;
  const router = new Router({ prefix: '/api/v1/groups' });
  const limits = { maxBytes: deps.maxJsonBytes };
  const withCount = async (group: Group) => ({
    ...groupJson(group),
    memberCount: await deps.index.memberCount(group.id),
  });

  router.get('/', (ctx) => {
    ctx.body = groups.list().map(groupJson);
  });

  router.post('/', async (ctx) => {
    const body = createGroupSchema.parse(await readJsonBody(ctx, limits));
    const group = await groups.create(body);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/groups/${group.id}`);
    ctx.body = await withCount(group);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await withCount(groups.require(ctx.params.id!));
  });

  router.patch('/:id', async (ctx) => {
    groups.require(ctx.params.id!);
    const body = patchGroupSchema.parse(await readJsonBody(ctx, limits));
    ctx.body = await withCount(await groups.update(ctx.params.id!, body));
  });

  router.delete('/:id', async (ctx) => {
    await fleet.deleteGroup(ctx.params.id!);
    ctx.status = 204;
  });

  router.put('/:id/members', async (ctx) => {
    groups.require(ctx.params.id!);
    const body = membersSchema.parse(await readJsonBody(ctx, limits));
    await fleet.moveMachines(ctx.params.id!, body.machineIds);
    ctx.body = await withCount(groups.require(ctx.params.id!));
  });

  router.delete('/:id/members/:machineId', async (ctx) => {
    await fleet.removeMember(ctx.params.id!, ctx.params.machineId!);
    ctx.status = 204;
  });

  return router;
}
