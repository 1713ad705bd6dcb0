import { type ClientContext, clientPhase, settingsRefusal } from '../../machines/clientMachine.ts';
import { activeProviders, type ClientItem } from '../../machines/clientPlan.ts';
import { downloadPhase } from '../../machines/download.ts';
import { installPhase } from '../../machines/install.ts';
import type { FailureInfo } from '../domain/agentEvent.ts';
import type { AgentService } from './agentService.ts';
import { AGENT_KINDS, installActorId } from './updateTasks.ts';

/** One update in the status: the plan action, where it stands, download progress and install result. */
export interface UpdateStatus {
  id: string;
  action: 'install' | 'remove';
  application: string;
  version: string;
  installType: string;
  highPriority: boolean;
  size: number;
  /** The client's view: pending, downloaded or failed. */
  phase: ClientItem['phase'];
  error?: FailureInfo;
  download?: { state: string; bytes: number; total: number; rate: number; error?: FailureInfo };
  install?: { state: string; outcome?: string; error?: FailureInfo; logFile?: string };
}

/** What `GET /status` answers. */
export interface AgentStatus {
  machine: { id: string; name: string };
  /** idle, available, ready, restartRequired, checking, downloading, installing. */
  phase: string;
  mode: string;
  settings: ClientContext['settings'];
  locked: boolean;
  group?: { id: string; name: string };
  /** Why settings would be refused now (`locked`, `busy`), or null. */
  settingsRefused: string | null;
  nextCheckAt: string | null;
  nextWindowAt: string | null;
  restartRequired: boolean;
  highPriority: ClientContext['highPriority'];
  paused: boolean;
  lastError?: FailureInfo;
  providers: string[];
  /** Events waiting for a provider. */
  unsentEvents: number;
  updates: UpdateStatus[];
}

interface PeekedTask {
  value: unknown;
  context: {
    error?: FailureInfo;
    outcome?: string;
    logFile?: string;
    bytesTransferred?: number;
    task: { size?: number };
  };
}

/**
 * The agent's status for the control API and the CLI: the client's mode, deadlines and phase, and
 * each update of the plan with its download (state, bytes, total, rate) and install state.
 *
 * @example const status = await agentStatus(service); status.updates[0].download?.bytes
 */
export async function agentStatus(service: AgentService): Promise<AgentStatus> {
  const { value, context } = await service.clientSnapshot();
  const phase = clientPhase(value);
  const updates = await Promise.all(context.items.map((item) => updateStatus(service, item)));
  return {
    machine: { id: service.identity.id, name: service.identity.name },
    phase,
    mode: context.settings.mode,
    settings: context.settings,
    locked: context.locked,
    group: context.group,
    settingsRefused: settingsRefusal(context, phase) ?? null,
    nextCheckAt: iso(context.nextCheckAt),
    nextWindowAt: iso(context.nextWindowAt),
    restartRequired: context.restartRequired,
    highPriority: context.highPriority,
    paused: context.paused,
    lastError: context.lastError,
    providers: activeProviders(context),
    unsentEvents: await service.outbox.size(),
    updates,
  };
}

async function updateStatus(service: AgentService, item: ClientItem): Promise<UpdateStatus> {
  const { update } = item.action;
  const status: UpdateStatus = {
    id: update.id,
    action: item.action.kind,
    application: update.application,
    version: update.version,
    installType: update.installType,
    highPriority: item.action.highPriority,
    size: update.size,
    phase: item.phase,
    error: item.error,
  };
  const downloaded = (await service.host.peek(AGENT_KINDS.download, update.id)) as PeekedTask | undefined;
  if (downloaded && item.action.kind === 'install') {
    const state = downloadPhase(downloaded.value);
    const live = service.progress.get(update.id);
    const bytes = state === 'done' ? update.size : (live?.bytes ?? 0);
    status.download = {
      state,
      bytes,
      total: update.size,
      rate: state === 'running' ? (live?.rate ?? 0) : 0,
      error: downloaded.context.error,
    };
  }
  const installed = (await service.host.peek(
    AGENT_KINDS.install,
    installActorId(item.action.kind, update.id),
  )) as PeekedTask | undefined;
  if (installed) {
    status.install = {
      state: installPhase(installed.value),
      outcome: installed.context.outcome,
      error: installed.context.error,
      logFile: installed.context.logFile,
    };
  }
  return status;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
