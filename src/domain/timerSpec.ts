import type { InstallDay } from './fleet.ts';
import { nextInstallWindow, randomCheckDelay } from './schedule.ts';

/** What an agent timer waits for; turned into an absolute deadline once, then kept in context. */
export type TimerSpec =
  | { kind: 'random'; minMs: number; maxMs: number }
  | { kind: 'window'; installDay: InstallDay; installHour: number };

/**
 * Turns a timer spec into an absolute deadline (ms since the epoch): a random delay in [min, max],
 * or the start of the next install window in machine-local time. `random` is a number in [0, 1),
 * passed in so the function stays pure and tests can pin it.
 *
 * @example computeDeadline({ kind: 'random', minMs: 1800000, maxMs: 3600000 }, now, 0.5) // now + 45 min
 */
export function computeDeadline(spec: TimerSpec, nowMs: number, random: number): number {
  if (spec.kind === 'window') {
    return nextInstallWindow(new Date(nowMs), spec.installDay, spec.installHour).getTime();
  }
  return nowMs + randomCheckDelay(spec.minMs, spec.maxMs, () => random);
}

/**
 * Exponential backoff: `baseMs · 2^(attempt−1)`, capped at `maxMs`. `attempt` counts from 1.
 *
 * @example backoffDelay(3, 1000, 60000) // 4000
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
