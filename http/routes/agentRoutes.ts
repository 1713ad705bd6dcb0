import Router from '@koa/router';
import type { Context } from 'koa';
import type { CheckInAnswer, Fleet } from '../../src/provider/Fleet.ts';
import { checkInSchema, eventsSchema } from '../fleetSchemas.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { updateJson } from '../serializers.ts';

/** What the agent routes need. */
export interface AgentRoutesDeps {
  fleet: Fleet;
  /** Largest check-in body in bytes (413 past it); default 262,144 like the manual's MaximumMessageSize. */
  maxCheckInBytes?: number;
  /** Largest events body in bytes; default 262,144. */
  maxEventsBytes?: number;
  /** The base URL content URLs are built on (e.g. behind a proxy); default the request's own origin. */
  publicUrl?: string;
  /**
   * Who is calling: resolves to the machine id the request may act for, or throws (UNAUTHENTICATED,
   * FORBIDDEN). The default trusts the id the agent claims; the Security issue plugs per-machine
   * secrets in here.
   */
  identifyAgent?: (ctx: Context, claimedId: string) => string | Promise<string>;
}

/** The agent API of API.md: `POST /agent/v1/checkin` and `POST /agent/v1/events`. */
export function createAgentRouter(deps: AgentRoutesDeps): Router {
  const router = new Router({ prefix: '/agent/v1' });
  const identify = deps.identifyAgent ?? ((_ctx: Context, claimedId: string) => claimedId);
  const maxCheckInBytes = deps.maxCheckInBytes ?? 262_144;
  const maxEventsBytes = deps.maxEventsBytes ?? 262_144;

  router.post('/checkin', async (ctx) => {
    const body = checkInSchema.parse(await readJsonBody(ctx, { maxBytes: maxCheckInBytes }));
    body.machine.id = await identify(ctx, body.machine.id);
    const answer = await deps.fleet.checkIn(body);
    // Koa 3's ctx.origin is the Origin header, not our own origin, so build it from protocol and host.
    ctx.body = checkInJson(answer, deps.publicUrl ?? `${ctx.protocol}://${ctx.host}`);
  });

  router.post('/events', async (ctx) => {
    const body = eventsSchema.parse(await readJsonBody(ctx, { maxBytes: maxEventsBytes }));
    const machineId = await identify(ctx, body.machineId);
    await deps.fleet.recordEvents(machineId, body.events);
    ctx.status = 202;
    ctx.body = { accepted: body.events.length };
  });

  return router;
}

/**
 * The check-in reply of API.md. Content URLs are absolute on `baseUrl`; a group without providers
 * of its own names this provider.
 */
export function checkInJson(answer: CheckInAnswer, baseUrl: string): Record<string, unknown> {
  const base = baseUrl.replace(/\/+$/, '');
  const body: Record<string, unknown> = {
    serverTime: answer.serverTime,
    group: answer.group,
    settings: { ...answer.settings, checkInterval: answer.checkInterval },
    providers: answer.providers.length > 0 ? answer.providers : [base],
    planEtag: answer.planEtag,
  };
  if (answer.unchanged) {
    body.unchanged = true;
    return body;
  }
  body.actions = (answer.actions ?? []).map(({ action, update }) => {
    const json: Record<string, unknown> = {
      kind: action.kind,
      highPriority: action.highPriority,
      update: { ...updateJson(update), urls: [`${base}/content/${update.sha256}`] },
    };
    if (action.rollbackTo !== undefined) json.rollbackTo = action.rollbackTo;
    if (action.relatedTo !== undefined) json.relatedTo = action.relatedTo;
    return json;
  });
  return body;
}
