import { assign, type EventObject, emit, fromCallback, setup } from 'xstate';
import type { AgentEvent, AgentEventType, FailureInfo } from '../src/domain/agentEvent.ts';
import type { TimerSpec } from '../src/domain/timerSpec.ts';
import { retryingState, retryTimerSpec, type TaskPhase, taskNeedsWake, taskPhase } from './retriedTask.ts';
import { type TimerEvent, timerContract } from './timer.ts';

/** What to install or remove: the update's identity and, for an install, its downloaded file. */
export interface InstallTask {
  updateId: string;
  action: 'install' | 'remove';
  application: string;
  productLine: string;
  version: string;
  upgradeCode: string;
  productCode: string;
  installType: 'Install' | 'Patch' | 'ES';
  installProperties: Record<string, string>;
  /** The verified package file (installs only). */
  file?: string;
}

/**
 * How an installer run ended. `interrupted` means a run was found half-done after a restart: the
 * runtime checked it, and it is reported as a failure, never taken as done.
 */
export interface InstallResult {
  status: 'succeeded' | 'restartRequired' | 'failed' | 'cancelled' | 'interrupted';
  exitCode?: number;
  message?: string;
  logFile?: string;
  /** For `failed`: worth trying again (a locked file), not a bad package. */
  retryable?: boolean;
}

/** What the `installer` actor is given. */
export interface InstallerInput {
  task: InstallTask;
  attempt: number;
}

/** Events the `installer` actor sends back. */
export type InstallerEvent =
  | { type: 'INSTALLER.STARTED' }
  | { type: 'INSTALLER.DONE'; result: InstallResult };

/** Events an install accepts: CANCEL only while queued (a running install finishes), RESUME after failure or cancel. */
export type InstallEvent = InstallerEvent | TimerEvent | { type: 'CANCEL' } | { type: 'RESUME' };

/** The install's persisted context. */
export interface InstallContext {
  task: InstallTask;
  maxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
  attempts: number;
  retryAt?: number;
  outcome?: 'succeeded' | 'restartRequired';
  exitCode?: number;
  logFile?: string;
  error?: FailureInfo;
}

/** The install machine's input. Installs are not retried unless `maxAttempts` says so. */
export interface InstallInput {
  task: InstallTask;
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
}

/**
 * The contract of `installer`: wait for the install queue, run the configured installer, answer
 * INSTALLER.DONE. On a restart it must detect a run that was in flight and answer `interrupted`.
 */
export const installerContract = fromCallback<EventObject, InstallerInput>(() => {
  throw new TypeError('Expected the `installer` actor to be provided with install.provide({ actors })');
});

/**
 * One install or removal (ARCHITECTURE.md, "Machines"): `active.queued` → `active.running` →
 * `done` (outcome `succeeded` | `restartRequired`) | `failed` | `cancelled`; retryable failures
 * wait in `retrying` on a deadline kept in context. CANCEL drops a queued install; a running one
 * can only end through the installer (which aborts it only when its installer is abort-safe).
 *
 * @example createActor(install.provide({ actors: { installer, timer } }), { input: { task } }).start()
 */
export const install = setup({
  types: {
    context: {} as InstallContext,
    events: {} as InstallEvent,
    input: {} as InstallInput,
    emitted: {} as { type: 'agent.event'; event: AgentEvent },
  },
  actors: { installer: installerContract, timer: timerContract },
  guards: {
    succeeded: ({ event }) =>
      event.type === 'INSTALLER.DONE' &&
      (event.result.status === 'succeeded' || event.result.status === 'restartRequired'),
    cancelledByInstaller: ({ event }) =>
      event.type === 'INSTALLER.DONE' && event.result.status === 'cancelled',
    canRetry: ({ context, event }) =>
      event.type === 'INSTALLER.DONE' &&
      event.result.status === 'failed' &&
      event.result.retryable === true &&
      context.attempts < context.maxAttempts,
    restartRequired: ({ event }) =>
      event.type === 'INSTALLER.DONE' && event.result.status === 'restartRequired',
    hasRetryDeadline: ({ context }) => context.retryAt !== undefined,
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0, error: undefined }),
    recordResult: assign(({ event }) => {
      if (event.type !== 'INSTALLER.DONE') return {};
      const { status, exitCode, logFile, message } = event.result;
      if (status === 'succeeded' || status === 'restartRequired') {
        return { outcome: status, exitCode, logFile, error: undefined };
      }
      const code = status === 'interrupted' ? 'INSTALL_INTERRUPTED' : 'INSTALL_FAILED';
      return { exitCode, logFile, error: { code, message: message ?? `installer ended: ${status}` } };
    }),
    recordRetryDeadline: assign(({ event }) =>
      event.type === 'TIMER.SCHEDULED' ? { retryAt: event.deadline } : {},
    ),
    clearRetryDeadline: assign({ retryAt: undefined }),
    report: emit(({ context }, params: InstallReportParams) => ({
      type: 'agent.event' as const,
      event: installReport(context, params),
    })),
  },
}).createMachine({
  id: 'install',
  context: ({ input }) => ({
    task: input.task,
    maxAttempts: input.maxAttempts ?? 1,
    backoff: input.backoff ?? { baseMs: 5000, maxMs: 300_000 },
    attempts: 0,
  }),
  initial: 'active',
  states: {
    active: {
      invoke: {
        id: 'installer',
        src: 'installer',
        input: ({ context }) => ({ task: context.task, attempt: context.attempts + 1 }),
      },
      initial: 'queued',
      states: {
        queued: {
          on: {
            'INSTALLER.STARTED': {
              target: 'running',
              actions: ['countAttempt', { type: 'report', params: { outcome: 'started' } }],
            },
            CANCEL: {
              target: '#install.cancelled',
              actions: { type: 'report', params: { outcome: 'cancelled' } },
            },
          },
        },
        running: {},
      },
      on: {
        'INSTALLER.DONE': [
          {
            guard: 'restartRequired',
            target: 'done',
            actions: [
              'recordResult',
              { type: 'report', params: { outcome: 'succeeded' } },
              { type: 'report', params: { outcome: 'restart' } },
            ],
          },
          {
            guard: 'succeeded',
            target: 'done',
            actions: ['recordResult', { type: 'report', params: { outcome: 'succeeded' } }],
          },
          {
            guard: 'cancelledByInstaller',
            target: 'cancelled',
            actions: { type: 'report', params: { outcome: 'cancelled' } },
          },
          { guard: 'canRetry', target: 'retrying', actions: 'recordResult' },
          { target: 'failed', actions: ['recordResult', { type: 'report', params: { outcome: 'failed' } }] },
        ],
      },
    },
    retrying: retryingState(retrySpec, {
      type: 'report' as const,
      params: { outcome: 'cancelled' as const },
    }),
    done: { type: 'final' },
    failed: { on: { RESUME: { target: 'active', actions: 'resetAttempts' } } },
    cancelled: { on: { RESUME: { target: 'active', actions: 'resetAttempts' } } },
  },
});

function retrySpec(context: InstallContext): TimerSpec {
  return retryTimerSpec(context.attempts, context.backoff);
}

/** The `report` action's params: which outcome to report. */
export interface InstallReportParams {
  outcome: 'started' | 'succeeded' | 'failed' | 'cancelled' | 'restart';
}

/**
 * The event the `report` action emits, from the context at that point of the transition; exported
 * so the agent runtime can provide its own `report` that writes to the on-disk outbox.
 */
export function installReport(context: InstallContext, params: InstallReportParams): AgentEvent {
  return {
    type: reportType(context.task.action, params.outcome),
    updateId: context.task.updateId,
    detail: reportDetail(params.outcome, context),
  };
}

function reportType(
  action: InstallTask['action'],
  outcome: 'started' | 'succeeded' | 'failed' | 'cancelled' | 'restart',
): AgentEventType {
  if (outcome === 'restart') return 'restart.required';
  if (action === 'remove' && outcome === 'succeeded') return 'remove.succeeded';
  if (action === 'remove' && outcome === 'failed') return 'remove.failed';
  return `install.${outcome}`;
}

function reportDetail(outcome: string, context: InstallContext): Record<string, unknown> | undefined {
  const base = { action: context.task.action, version: context.task.version };
  if (outcome === 'failed')
    return { ...base, ...context.error, exitCode: context.exitCode, logFile: context.logFile };
  if (outcome === 'succeeded') return { ...base, outcome: context.outcome, exitCode: context.exitCode };
  return base;
}

/** Where an install stands, for status displays. */
export const installPhase: (value: unknown) => TaskPhase = taskPhase;

/** True while an install is queued, running or retrying: the actor host keeps it live and wakes it at start. */
export const installNeedsWake: (snapshot: { value: unknown }) => boolean = taskNeedsWake;
