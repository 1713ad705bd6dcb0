import Router from '@koa/router';
import type { Context } from 'koa';
import type { CheckInAnswer, Fleet } from '../../src/provider/Fleet.ts';
import { checkInSchema, eventsSchema } from '../fleetSchemas.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { updateJson } from '../serializers.ts';

/** Who an agent request comes from; at enrollment also the machine secret to hand back, once. */
export interface AgentCaller {
  machineId: string;
  machineSecret?: string;
}

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
   * Who is calling: resolves to the machine id the request may act for (with the new machine secret
   * when the call enrolled the machine), or throws (UNAUTHENTICATED, FORBIDDEN). Called after the
   * body is validated, with the raw body (an enrollment key may ride in it). The default trusts the
   * id the agent claims; the provider plugs per-machine secrets in (http/auth/identifyAgent.ts).
   */
  identifyAgent?: (
    ctx: Context,
    claimedId: string,
    route: 'checkin' | 'events',
    rawBody: unknown,
  ) => string | AgentCaller | Promise<string | AgentCaller>;
  /** The path and query of a content URL for a hash (signed by the provider); default `/content/<sha256>`. */
  contentPath?: (sha256: string) => string;
}

/** The agent API of API.md: `POST /agent/v1/checkin` and `POST /agent/v1/events`. */
export function createAgentRouter(deps: AgentRoutesDeps): Router {
  const router = new Router({ prefix: '/agent/v1' });
  const identifyAgent = deps.identifyAgent ?? ((_ctx: Context, claimedId: string) => claimedId);
  const identify = async (ctx: Context, claimedId: string, route: 'checkin' | 'events', raw: unknown) => {
    const caller = await identifyAgent(ctx, claimedId, route, raw);
    return typeof caller === 'string' ? { machineId: caller } : caller;
  };
  const maxCheckInBytes = deps.maxCheckInBytes ?? 262_144;
  const maxEventsBytes = deps.maxEventsBytes ?? 262_144;

  router.post('/checkin', async (ctx) => {
    const raw = await readJsonBody(ctx, { maxBytes: maxCheckInBytes });
    const body = checkInSchema.parse(raw);
    const caller = await identify(ctx, body.machine.id, 'checkin', raw);
    body.machine.id = caller.machineId;
    const answer = await deps.fleet.checkIn(body);
    // Koa 3's ctx.origin is the Origin header, not our own origin, so build it from protocol and host.
    const reply = checkInJson(answer, deps.publicUrl ?? `${ctx.protocol}://${ctx.host}`, deps.contentPath);
    if (caller.machineSecret !== undefined) {
      // Shown this once: the provider keeps only its hash.
      reply.machineSecret = caller.machineSecret;
      ctx.set('Cache-Control', 'no-store');
    }
    replyJson(ctx, reply);
  });

  router.post('/events', async (ctx) => {
    const raw = await readJsonBody(ctx, { maxBytes: maxEventsBytes });
    const body = eventsSchema.parse(raw);
    const { machineId } = await identify(ctx, body.machineId, 'events', raw);
    await deps.fleet.recordEvents(machineId, body.events);
    ctx.status = 202;
    replyJson(ctx, { accepted: body.events.length });
  });

  return router;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Sets a JSON reply with its Content-Type given outright: left to Koa, every object body looks its
 * media type up in mime-types, ~1% of an agent request's cost. Same header, same bytes.
 */
function replyJson(ctx: Context, body: unknown): void {
  ctx.set('Content-Type', JSON_CONTENT_TYPE);
  ctx.body = body;
}

/**
 * The check-in reply of API.md. Content URLs are absolute on `baseUrl` (signed when `contentPath`
 * signs them); a group without providers
 * of its own names this provider.
 */
export function checkInJson(
  answer: CheckInAnswer,
  baseUrl: string,
  contentPath: (sha256: string) => string = (sha256) => `/content/${sha256}`,
): Record<string, unknown> {
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
      update: { ...updateJson(update), urls: [`${base}${contentPath(update.sha256)}`] },
    };
    if (action.rollbackTo !== undefined) json.rollbackTo = action.rollbackTo;
    if (action.relatedTo !== undefined) json.relatedTo = action.relatedTo;
    return json;
  });
  return body;
}
