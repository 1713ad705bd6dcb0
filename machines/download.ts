import { assign, type EventObject, emit, fromCallback, setup } from 'xstate';
import type { AgentEvent, FailureInfo } from '../src/domain/agentEvent.ts';
import type { TimerSpec } from '../src/domain/timerSpec.ts';
import { retryingState, retryTimerSpec, type TaskPhase, taskNeedsWake, taskPhase } from './retriedTask.ts';
import { type TimerEvent, timerContract } from './timer.ts';

/** What to fetch: the update's content, where from, and how to check it. */
export interface DownloadTask {
  updateId: string;
  sha256: string;
  size: number;
  urls: string[];
  signed: boolean;
  /** Base64 detached Ed25519 signature over the SHA-256, when the update is signed. */
  signature?: string;
}

/** What the `transfer` actor is given. `attempt` counts from 1 and grows across retries. */
export interface TransferInput {
  task: DownloadTask;
  attempt: number;
}

/** Events the `transfer` actor sends back. Progress stays out: it would cost a commit per chunk. */
export type TransferEvent =
  | { type: 'TRANSFER.STARTED' }
  | { type: 'TRANSFER.DONE'; file: string; bytesTransferred: number }
  | { type: 'TRANSFER.FAILED'; error: FailureInfo & { retryable: boolean } }
  | { type: 'TRANSFER.CANCELLED' };

/** Events a download accepts from outside: CANCEL (keep the partial), RESUME (after cancel or failure). */
export type DownloadEvent = TransferEvent | TimerEvent | { type: 'CANCEL' } | { type: 'RESUME' };

/** Retry policy; the defaults fit a LAN provider. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** The download's persisted context. `retryAt` is the absolute retry deadline, kept across restarts. */
export interface DownloadContext {
  task: DownloadTask;
  retry: RetryPolicy;
  attempts: number;
  retryAt?: number;
  file?: string;
  bytesTransferred?: number;
  error?: FailureInfo;
}

/** The download machine's input. */
export interface DownloadInput {
  task: DownloadTask;
  retry?: Partial<RetryPolicy>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 1000, maxMs: 300_000 };

/**
 * The contract of `transfer`: fetch the task's content into place (queue slot, Range resume,
 * verification), sending TRANSFER.* events. Injected by the agent runtime with `.provide()`.
 */
export const transferContract = fromCallback<EventObject, TransferInput>(() => {
  throw new TypeError('Expected the `transfer` actor to be provided with download.provide({ actors })');
});

/**
 * One update's download (ARCHITECTURE.md, "Machines"): `active.queued` (waiting for a queue slot)
 * → `active.running` → `done` | `failed` | `cancelled`, with `retrying` in between on retryable
 * failures: exponential backoff whose deadline lives in context, so a restart keeps it.
 * Restoring in `active` restarts `transfer`, which resumes from the partial file with Range.
 * Every outcome is reported by the named `report` action (an emitted `agent.event`).
 *
 * @example createActor(download.provide({ actors: { transfer, timer } }), { input: { task } }).start()
 */
export const download = setup({
  types: {
    context: {} as DownloadContext,
    events: {} as DownloadEvent,
    input: {} as DownloadInput,
    emitted: {} as { type: 'agent.event'; event: AgentEvent },
  },
  actors: { transfer: transferContract, timer: timerContract },
  guards: {
    hasRetryDeadline: ({ context }) => context.retryAt !== undefined,
    canRetry: ({ context, event }) =>
      event.type === 'TRANSFER.FAILED' &&
      event.error.retryable &&
      context.attempts < context.retry.maxAttempts,
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0, error: undefined }),
    recordDone: assign(({ event }) =>
      event.type === 'TRANSFER.DONE'
        ? { file: event.file, bytesTransferred: event.bytesTransferred, error: undefined }
        : {},
    ),
    recordFailure: assign(({ event }) =>
      event.type === 'TRANSFER.FAILED'
        ? { error: { code: event.error.code, message: event.error.message } }
        : {},
    ),
    recordRetryDeadline: assign(({ event }) =>
      event.type === 'TIMER.SCHEDULED' ? { retryAt: event.deadline } : {},
    ),
    clearRetryDeadline: assign({ retryAt: undefined }),
    report: emit(({ context }, params: DownloadReportParams) => ({
      type: 'agent.event' as const,
      event: downloadReport(context, params),
    })),
  },
}).createMachine({
  id: 'download',
  context: ({ input }) => ({
    task: input.task,
    retry: { ...DEFAULT_RETRY, ...input.retry },
    attempts: 0,
  }),
  initial: 'active',
  states: {
    active: {
      invoke: {
        id: 'transfer',
        src: 'transfer',
        input: ({ context }) => ({ task: context.task, attempt: context.attempts + 1 }),
      },
      initial: 'queued',
      states: {
        queued: {
          on: {
            'TRANSFER.STARTED': {
              target: 'running',
              actions: ['countAttempt', { type: 'report', params: { type: 'download.started' } }],
            },
          },
        },
        running: {},
      },
      on: {
        'TRANSFER.DONE': {
          target: 'done',
          actions: ['recordDone', { type: 'report', params: { type: 'download.succeeded' } }],
        },
        'TRANSFER.FAILED': [
          { guard: 'canRetry', target: 'retrying', actions: 'recordFailure' },
          {
            target: 'failed',
            actions: ['recordFailure', { type: 'report', params: { type: 'download.failed' } }],
          },
        ],
        'TRANSFER.CANCELLED': {
          target: 'cancelled',
          actions: { type: 'report', params: { type: 'download.cancelled' } },
        },
        CANCEL: { target: 'cancelled', actions: { type: 'report', params: { type: 'download.cancelled' } } },
      },
    },
    retrying: retryingState(retrySpec, {
      type: 'report' as const,
      params: { type: 'download.cancelled' as const },
    }),
    done: { type: 'final' },
    failed: {
      on: { RESUME: { target: 'active', actions: 'resetAttempts' } },
    },
    cancelled: {
      on: { RESUME: { target: 'active', actions: 'resetAttempts' } },
    },
  },
});

function retrySpec(context: DownloadContext): TimerSpec {
  return retryTimerSpec(context.attempts, context.retry);
}

/** The `report` action's params: which event to report. */
export interface DownloadReportParams {
  type: AgentEvent['type'];
}

/**
 * The event the `report` action emits, from the context at that point of the transition. Exported
 * so the agent runtime can provide its own `report` (writing the event to the on-disk outbox in the
 * same batch as the snapshot) without a second copy of the wording.
 */
export function downloadReport(context: DownloadContext, params: DownloadReportParams): AgentEvent {
  return { type: params.type, updateId: context.task.updateId, detail: reportDetail(params.type, context) };
}

function reportDetail(
  type: AgentEvent['type'],
  context: DownloadContext,
): Record<string, unknown> | undefined {
  if (type === 'download.started') return { attempt: context.attempts };
  if (type === 'download.failed') return { ...context.error, attempts: context.attempts };
  if (type === 'download.succeeded') return { bytesTransferred: context.bytesTransferred };
  return undefined;
}

/** Where a download stands, for status displays. */
export const downloadPhase: (value: unknown) => TaskPhase = taskPhase;

/** True while a download is queued, running or retrying: the actor host keeps it live and wakes it at start. */
export const downloadNeedsWake: (snapshot: { value: unknown }) => boolean = taskNeedsWake;
