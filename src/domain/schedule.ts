/** The four agent modes (ARCHITECTURE.md, "Modes (agent)"). */
export const AGENT_MODES = ['automatic', 'download', 'notify', 'manual'] as const;
/** How an agent checks, downloads and installs: see the Modes table. */
export type AgentMode = (typeof AGENT_MODES)[number];

/** Install days: every day, or one weekday (index = `Date.getDay()` − 1 for the weekdays). */
export const INSTALL_DAYS = [
  'everyday',
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
/** The day of the install window. */
export type InstallDay = (typeof INSTALL_DAYS)[number];

/** What a timer waits for; turned into an absolute deadline once, then kept in context. */
export type TimerSpec =
  | { kind: 'random'; minMs: number; maxMs: number }
  | { kind: 'window'; installDay: InstallDay; installHour: number };

/**
 * The next install window strictly after `nowMs`, in machine-local time: the next `installHour:00`
 * on `installDay` (or on any day for `everyday`).
 *
 * @example nextInstallWindow(Date.parse('2024-01-01T05:00'), 'everyday', 3) // 2024-01-02 03:00 local
 */
export function nextInstallWindow(nowMs: number, installDay: InstallDay, installHour: number): number {
  if (!Number.isInteger(installHour) || installHour < 0 || installHour > 23) {
    throw new TypeError(`Expected \`installHour\` to be an integer 0-23, got \`${installHour}\``);
  }
  const wantedDay = installDay === 'everyday' ? undefined : INSTALL_DAYS.indexOf(installDay) - 1;
  const now = new Date(nowMs);
  // Walking day by day in local time keeps DST shifts right: the Date constructor normalises.
  for (let offset = 0; offset <= 7; offset += 1) {
    const candidate = new Date(
      now.getFullYear(),
      now.getMonth(),
      now.getDate() + offset,
      installHour,
      0,
      0,
      0,
    );
    if (candidate.getTime() <= nowMs) continue;
    if (wantedDay === undefined || candidate.getDay() === wantedDay) return candidate.getTime();
  }
  throw new TypeError(`No install window found for ${installDay} ${installHour}:00`);
}

/**
 * Turns a timer spec into an absolute deadline. `random` is a number in [0, 1), passed in so the
 * function stays pure and tests can pin it.
 *
 * @example computeDeadline({ kind: 'random', minMs: 1800000, maxMs: 3600000 }, now, 0.5) // now + 45 min
 */
export function computeDeadline(spec: TimerSpec, nowMs: number, random: number): number {
  if (spec.kind === 'window') return nextInstallWindow(nowMs, spec.installDay, spec.installHour);
  if (spec.minMs > spec.maxMs) {
    throw new TypeError(`Expected \`minMs\` ≤ \`maxMs\`, got ${spec.minMs} > ${spec.maxMs}`);
  }
  return nowMs + spec.minMs + Math.floor(random * (spec.maxMs - spec.minMs + 1));
}

/**
 * Exponential backoff: `baseMs · 2^(attempt−1)`, capped at `maxMs`. `attempt` counts from 1.
 *
 * @example backoffDelay(3, 1000, 60000) // 4000
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
