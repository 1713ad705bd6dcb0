import { backoffDelay, type TimerSpec } from '../src/domain/timerSpec.ts';

/**
 * What the download and install machines share: both run a task in `active`, count attempts, and
 * wait out a retryable failure in `retrying` on an absolute deadline kept in context, so that a
 * restart neither forgets the wait nor starts it over. (The four bookkeeping actions, countAttempt,
 * resetAttempts, recordRetryDeadline and clearRetryDeadline, stay in each machine's setup: XState
 * types an `assign` by the machine it is declared in.)
 */

/** Where a task stands, for status displays: the top-level state, or queued/running in active. */
export type TaskPhase = 'queued' | 'running' | 'retrying' | 'done' | 'failed' | 'cancelled';

/** The phase of a download or install snapshot value. */
export function taskPhase(value: unknown): TaskPhase {
  if (typeof value === 'object' && value !== null && 'active' in value) {
    return (value as { active: 'queued' | 'running' }).active;
  }
  if (typeof value === 'object' && value !== null) return 'retrying';
  return value as 'done' | 'failed' | 'cancelled';
}

/**
 * True while a task still has work or a wait ahead (queued, running or retrying): the actor host
 * keeps such actors live and wakes them at start, so a transfer resumes and an install cut short by
 * a crash is checked and reported after a restart.
 */
export function taskNeedsWake(snapshot: { value: unknown }): boolean {
  const phase = taskPhase(snapshot.value);
  return phase === 'queued' || phase === 'running' || phase === 'retrying';
}

/** The retry timer after `attempts` attempts: exponential backoff between `baseMs` and `maxMs`. */
export function retryTimerSpec(attempts: number, backoff: { baseMs: number; maxMs: number }): TimerSpec {
  const delay = backoffDelay(attempts, backoff.baseMs, backoff.maxMs);
  return { kind: 'random', minMs: delay, maxMs: delay };
}

/**
 * The `retrying` state both machines use: pick the deadline already in context (after a restart) or
 * schedule one, wait for it, then go back to `active`; CANCEL drops the wait with `cancelReport`.
 * Needs the machine to name the guard `hasRetryDeadline`, the actions `recordRetryDeadline` and
 * `clearRetryDeadline`, and the `timer` actor.
 */
export function retryingState<TContext extends { retryAt?: number }, TCancelReport>(
  spec: (context: TContext) => TimerSpec,
  cancelReport: TCancelReport,
) {
  return {
    initial: 'pick' as const,
    states: {
      pick: {
        always: [{ guard: 'hasRetryDeadline' as const, target: 'waiting' }, { target: 'scheduling' }],
      },
      scheduling: {
        invoke: {
          src: 'timer' as const,
          input: ({ context }: { context: TContext }) => ({ timer: 'retry', spec: spec(context) }),
        },
        on: { 'TIMER.SCHEDULED': { target: 'waiting', actions: 'recordRetryDeadline' as const } },
      },
      waiting: {
        invoke: {
          src: 'timer' as const,
          input: ({ context }: { context: TContext }) => ({
            timer: 'retry',
            spec: spec(context),
            deadline: context.retryAt,
          }),
        },
      },
    },
    on: {
      'TIMER.FIRED': { target: 'active', actions: 'clearRetryDeadline' as const },
      CANCEL: { target: 'cancelled', actions: ['clearRetryDeadline' as const, cancelReport] },
    },
  };
}
