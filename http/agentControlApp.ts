import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { clientPhase } from '../machines/clientMachine.ts';
import { type AgentService, CLIENT_ID } from '../src/agent/agentService.ts';
import { agentStatus } from '../src/agent/agentStatus.ts';
import { installLogPath } from '../src/agent/installers/index.ts';
import { AGENT_KINDS } from '../src/agent/updateTasks.ts';
import { GROUP_MODES, INSTALL_DAYS } from '../src/domain/fleet.ts';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import { createHostInspector } from '../src/runtime/hostInspector.ts';
import { MACHINES } from '../src/runtime/machineRegistry.ts';
import { createApp } from './createApp.ts';
import { createDebugRouter } from './debugRoutes.ts';
import { readJsonBody } from './readJsonBody.ts';
import { openEventStream } from './serverSentEvents.ts';

const MAX_BODY = 64 * 1024;

const applySchema = z.strictObject({ ids: z.array(z.string().min(1)).max(1000).optional() });
const settingsSchema = z
  .strictObject({
    mode: z.enum(GROUP_MODES).optional(),
    installDay: z.enum(INSTALL_DAYS).optional(),
    installHour: z.int().min(0).max(23).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, {
    error: 'name at least one of mode, installDay, installHour',
  });

/** Options for the control app. */
export interface AgentControlOptions {
  /** SSE heartbeat interval; 15 s unless a test wants it faster. */
  heartbeatMs?: number;
}

/**
 * The agent's local control API (bind it to 127.0.0.1 only): what the CLI and a tray icon use.
 *
 * - `GET /status` mode, next check, next window, each update with state and progress;
 * - `POST /check`, `POST /apply` (`{ ids }` for a custom apply), `POST /defer`, `POST /cancel`;
 * - `GET /settings`, `PUT /settings` (409 `SETTINGS_LOCKED` / `AGENT_BUSY` when refused);
 * - `GET /events` Server-Sent Events: `event` (each reported event), `progress`, `state`;
 * - `GET /log/:updateId` the install log as text;
 * - `/debug` the state-chart visualizer of the agent's own actors.
 *
 * @example createAgentControlApp(service).listen(8094, '127.0.0.1')
 */
export function createAgentControlApp(service: AgentService, options: AgentControlOptions = {}): Koa {
  const router = new Router();
  const heartbeatMs = options.heartbeatMs ?? 15_000;

  router.get('/status', async (ctx) => {
    ctx.body = await agentStatus(service);
  });
  router.post('/check', async (ctx) => {
    ctx.status = 202;
    ctx.body = { phase: await service.check() };
  });
  router.post('/apply', async (ctx) => {
    const body = applySchema.parse(await readJsonBody(ctx, { maxBytes: MAX_BODY }));
    ctx.status = 202;
    ctx.body = { phase: await service.apply(body.ids) };
  });
  router.post('/defer', async (ctx) => {
    ctx.body = { phase: await service.defer() };
  });
  router.post('/cancel', async (ctx) => {
    ctx.body = await service.cancel();
  });
  router.get('/settings', async (ctx) => {
    const status = await agentStatus(service);
    ctx.body = { settings: status.settings, locked: status.locked, refused: status.settingsRefused };
  });
  router.put('/settings', async (ctx) => {
    const change = settingsSchema.parse(await readJsonBody(ctx, { maxBytes: MAX_BODY }));
    ctx.body = { settings: await service.changeSettings(change) };
  });
  router.get('/log/:updateId', async (ctx) => {
    let file: string;
    try {
      file = installLogPath(service.dataDir, ctx.params.updateId!);
    } catch {
      throw new PatchbayError('not an update id', { code: 'INVALID_REQUEST' });
    }
    try {
      ctx.body = await readFile(file, 'utf8');
      ctx.type = 'text/plain; charset=utf-8';
    } catch {
      throw new PatchbayError(`no install log for ${ctx.params.updateId}`, {
        code: 'UPDATE_NOT_FOUND',
        details: { updateId: ctx.params.updateId },
      });
    }
  });
  router.get('/events', async (ctx) => {
    const stream = openEventStream(ctx, { heartbeatMs });
    let lastPhase = '';
    const offEvents = service.outbox.subscribe((entry) => stream.send('event', entry, entry.seq));
    const offProgress = service.onProgress((updateId, progress) =>
      stream.send('progress', { updateId, ...progress }),
    );
    const offCommits = service.host.onCommitted((kind, id, snapshot) => {
      if (kind !== AGENT_KINDS.client || id !== CLIENT_ID) return;
      const phase = clientPhase((snapshot as { value: unknown }).value);
      if (phase === lastPhase) return;
      lastPhase = phase;
      stream.send('state', { phase });
    });
    stream.onClose(() => {
      offEvents();
      offProgress();
      offCommits();
    });
    lastPhase = clientPhase((await service.clientSnapshot()).value);
    stream.send('state', { phase: lastPhase });
  });

  const debug = createDebugRouter({
    machines: {
      [AGENT_KINDS.client]: MACHINES[AGENT_KINDS.client]!,
      [AGENT_KINDS.download]: MACHINES[AGENT_KINDS.download]!,
      [AGENT_KINDS.install]: MACHINES[AGENT_KINDS.install]!,
    },
    inspector: createHostInspector(service.host),
    heartbeatMs,
  });
  return createApp({ publicRouters: [router, debug], adminRouters: [] });
}
