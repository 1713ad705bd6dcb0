import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import type { AnyStateMachine, StateValue } from 'xstate';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import { activeStateIds } from '../src/runtime/activeStateIds.ts';
import type { ActorInspector, InspectionRecord } from '../src/runtime/actorInspector.ts';
import { drawStatechart } from '../src/runtime/drawStatechart.ts';
import { type MachineGraph, machineGraph } from '../src/runtime/machineGraph.ts';
import { openEventStream } from './serverSentEvents.ts';

/** What the debug routes read: the machines to draw (by actor kind) and the runtime's inspector. */
export interface DebugRouterDeps {
  machines: Record<string, AnyStateMachine>;
  inspector: ActorInspector;
  /** Interval of the SSE heartbeat comment; 15 s unless a test wants it faster. */
  heartbeatMs?: number;
}

/** The page and its assets, served from this folder; only these names, so no path ever escapes it. */
const PAGE_DIR = new URL('./debugPage/', import.meta.url);
const ASSETS: Record<string, string> = {
  'debugPage.js': 'text/javascript; charset=utf-8',
  'debugPage.css': 'text/css; charset=utf-8',
};
const DEFAULT_EVENT_LIMIT = 50;
const MAX_LIMIT = 1000;

/**
 * The statechart visualizer for live actors, as a Koa router to mount on the provider's admin app
 * (behind its auth once that exists) and on the agent's local control API:
 *
 * - `GET /debug` the page; `GET /debug/assets/:name` its script and stylesheet (no CDN);
 * - `GET /debug/machines` every machine's definition (`machine.toJSON()`) and graph model;
 * - `GET /debug/machines/:name/chart.svg` the chart, laid out by ELK on the server;
 * - `GET /debug/actors?kind=&search=&limit=` active and persisted actors;
 * - `GET /debug/actors/:kind/:id?limit=` snapshot, active state ids and recent events
 *   (`404 ACTOR_NOT_FOUND`);
 * - `GET /debug/actors/:kind/:id/events` Server-Sent Events: one `inspection` event per record
 *   of that actor, `: heartbeat` comments every 15 s, resumable with `Last-Event-ID` or `?after=<seq>`.
 *
 * Errors are thrown as PatchbayError; the app's error middleware turns them into the envelope.
 *
 * @example app.use(createDebugRouter({ machines: MACHINES, inspector: host }).routes())
 */
export function createDebugRouter(deps: DebugRouterDeps): Router {
  const { machines, inspector } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const graphs = new Map(Object.entries(machines).map(([name, machine]) => [name, machineGraph(machine)]));
  const charts = new Map<string, Promise<string>>();
  const router = new Router();

  const activeIdsOf = (kind: string, value: StateValue | undefined): string[] => {
    const graph = graphs.get(kind);
    return graph && value !== undefined ? activeStateIds(graph, value) : [];
  };
  const withActiveIds = (record: InspectionRecord): InspectionRecord & { activeStateIds?: string[] } =>
    record.value === undefined
      ? record
      : { ...record, activeStateIds: activeIdsOf(record.kind, record.value) };

  router.get('/debug', async (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await readFile(new URL('index.html', PAGE_DIR));
  });

  router.get('/debug/assets/:name', async (ctx) => {
    // Own keys only: `constructor` or `toString` must not read as an asset (found by the fuzz test).
    const contentType = Object.hasOwn(ASSETS, ctx.params.name!) ? ASSETS[ctx.params.name!] : undefined;
    if (!contentType) throw new PatchbayError(`no debug asset ${ctx.params.name}`, { code: 'NOT_FOUND' });
    ctx.type = contentType;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await readFile(new URL(ctx.params.name!, PAGE_DIR));
  });

  router.get('/debug/machines', (ctx) => {
    ctx.body = {
      machines: Object.entries(machines).map(([name, machine]) => ({
        name,
        id: machine.id,
        definition: machine.toJSON(),
        graph: graphs.get(name) as MachineGraph,
      })),
    };
  });

  router.get('/debug/machines/:name/chart.svg', async (ctx) => {
    const name = ctx.params.name!;
    const machine = Object.hasOwn(machines, name) ? machines[name] : undefined;
    if (!machine) {
      throw new PatchbayError(`no machine named ${name}`, {
        code: 'NOT_FOUND',
        details: { name },
      });
    }
    let chart = charts.get(name);
    if (!chart) {
      chart = drawStatechart(machine, { inline: true });
      charts.set(name, chart);
      chart.catch(() => charts.delete(name));
    }
    ctx.type = 'image/svg+xml; charset=utf-8';
    ctx.body = await chart;
  });

  router.get('/debug/actors', async (ctx) => {
    const kind = optionalString(ctx.query.kind, 'kind');
    const search = optionalString(ctx.query.search, 'search');
    const limit = parseLimit(ctx.query.limit, 100);
    const actors = await inspector.listActors({ kind, search, limit });
    ctx.body = { actors: actors.map(({ kind, id, live }) => ({ kind, id, live })) };
  });

  router.get('/debug/actors/:kind/:id', async (ctx) => {
    const { kind, id } = ctx.params as { kind: string; id: string };
    const actor = await inspector.getActor(kind, id);
    if (!actor) throw actorNotFound(kind, id);
    const limit = parseLimit(ctx.query.limit, DEFAULT_EVENT_LIMIT);
    ctx.body = {
      actor: {
        kind: actor.kind,
        id: actor.id,
        value: actor.value,
        context: actor.context,
        status: actor.status,
        activeStateIds: activeIdsOf(kind, actor.value),
      },
      events: inspector.recentEvents(kind, id, limit).map(withActiveIds),
    };
  });

  router.get('/debug/actors/:kind/:id/events', async (ctx) => {
    const { kind, id } = ctx.params as { kind: string; id: string };
    if (!(await inspector.getActor(kind, id))) throw actorNotFound(kind, id);
    // Browsers resend the last id on reconnect; a page may also ask with ?after=<seq> on first connect.
    const lastEventId = Number(
      ctx.get('Last-Event-ID') || optionalString(ctx.query.after, 'after') || Number.NaN,
    );
    const stream = openEventStream(ctx, { heartbeatMs });
    let lastSent = Number.isFinite(lastEventId) ? lastEventId : Number.NEGATIVE_INFINITY;
    const send = (record: InspectionRecord): void => {
      if (record.kind !== kind || record.id !== id || record.seq <= lastSent) return;
      lastSent = record.seq;
      stream.send('inspection', withActiveIds(record), record.seq);
    };
    // Subscribe before replaying, so nothing recorded in between is lost; `lastSent` drops duplicates.
    const unsubscribe = inspector.subscribe(send);
    stream.onClose(unsubscribe);
    if (Number.isFinite(lastEventId)) {
      for (const record of inspector.recentEvents(kind, id, MAX_LIMIT)) send(record);
    }
  });

  return router;
}

function actorNotFound(kind: string, id: string): PatchbayError {
  return new PatchbayError(`no live or persisted ${kind} actor ${id}`, {
    code: 'ACTOR_NOT_FOUND',
    details: { kind, id },
  });
}

function optionalString(value: string | string[] | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new PatchbayError(`${field} must be given once`, { code: 'INVALID_REQUEST', details: { field } });
  }
  return value;
}

function parseLimit(value: string | string[] | undefined, fallback: number): number {
  const text = optionalString(value, 'limit');
  if (text === undefined) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new PatchbayError(`limit must be an integer from 1 to ${MAX_LIMIT}`, {
      code: 'INVALID_REQUEST',
      details: { field: 'limit' },
    });
  }
  return limit;
}
