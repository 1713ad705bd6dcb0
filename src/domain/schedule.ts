import { INSTALL_DAYS, type InstallDay, isInstallDay } from './fleet.ts';

/** Which clock an install window is read on: the machine's local zone (the default) or UTC. */
export type ScheduleZone = 'local' | 'utc';

/**
 * The start of the next install window: `installHour`:00 on `installDay` (any day for `everyday`)
 * at or after `now`. A window starting exactly at `now` is the current one, so an agent woken on the
 * hour installs then. Local time is read with local Date methods, so DST is handled by the runtime:
 * on a spring-forward day an hour that does not exist starts at the first moment after the gap.
 *
 * @example nextInstallWindow(new Date(2024, 0, 1, 12), 'sunday', 3) // Sun 7 Jan 2024 03:00 local
 */
export function nextInstallWindow(
  now: Date,
  installDay: InstallDay,
  installHour: number,
  timeZone: ScheduleZone = 'local',
): Date {
  checkWindow(now, installDay, installHour);
  // Eight days cover "today's window has just passed and only today's weekday matches".
  for (let offset = 0; offset <= 7; offset++) {
    const candidate = windowOn(now, offset, installHour, timeZone);
    if (candidate.getTime() >= now.getTime() && dayMatches(candidate, installDay, timeZone)) return candidate;
  }
  throw new TypeError('Expected a window within eight days'); // unreachable for valid input
}

/**
 * The start of the latest install window at or before `now`: the one an agent that was off should
 * compare its last run with (see {@link missedWindow}).
 *
 * @example previousInstallWindow(new Date(2024, 0, 1, 12), 'everyday', 3) // Mon 1 Jan 2024 03:00 local
 */
export function previousInstallWindow(
  now: Date,
  installDay: InstallDay,
  installHour: number,
  timeZone: ScheduleZone = 'local',
): Date {
  checkWindow(now, installDay, installHour);
  for (let offset = 0; offset >= -7; offset--) {
    const candidate = windowOn(now, offset, installHour, timeZone);
    if (candidate.getTime() <= now.getTime() && dayMatches(candidate, installDay, timeZone)) return candidate;
  }
  throw new TypeError('Expected a window within eight days'); // unreachable for valid input
}

/**
 * True when the window that started at `lastScheduled` has passed without a run since it began, so
 * an agent that was off (or asleep) runs it at its next start. `lastRunAt` undefined means the agent
 * never ran an install window: callers pass the agent's first start instead when a freshly installed
 * agent should not treat older windows as missed.
 *
 * @example missedWindow(new Date('2024-01-06T03:00Z'), new Date('2024-01-07T03:00Z'), new Date('2024-01-07T09:00Z')) // true
 */
export function missedWindow(lastRunAt: Date | undefined, lastScheduled: Date, now: Date): boolean {
  if (lastScheduled.getTime() > now.getTime()) return false;
  return lastRunAt === undefined || lastRunAt.getTime() < lastScheduled.getTime();
}

/**
 * A whole number of milliseconds drawn uniformly from [minMs, maxMs], both ends included: the
 * delay before the next check, so a fleet does not check in at the same instant.
 *
 * @example randomCheckDelay(30 * 60_000, 60 * 60_000) // somewhere between 30 and 60 minutes
 */
export function randomCheckDelay(minMs: number, maxMs: number, random: () => number = Math.random): number {
  if (!Number.isSafeInteger(minMs) || minMs < 0) {
    throw new TypeError(`Expected \`minMs\` to be a non-negative integer, got \`${minMs}\``);
  }
  if (!Number.isSafeInteger(maxMs) || maxMs < minMs) {
    throw new TypeError(
      `Expected \`maxMs\` to be an integer of at least \`minMs\` (${minMs}), got \`${maxMs}\``,
    );
  }
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new TypeError(`Expected \`random()\` to be in [0, 1), got \`${draw}\``);
  return minMs + Math.floor(draw * (maxMs - minMs + 1));
}

function checkWindow(now: Date, installDay: InstallDay, installHour: number): void {
  if (Number.isNaN(now.getTime()))
    throw new TypeError('Expected `now` to be a valid date, got an invalid one');
  if (!isInstallDay(installDay)) {
    throw new TypeError(
      `Expected \`installDay\` to be one of ${INSTALL_DAYS.join(', ')}, got \`${installDay}\``,
    );
  }
  if (!Number.isInteger(installHour) || installHour < 0 || installHour > 23) {
    throw new TypeError(`Expected \`installHour\` to be an integer 0–23, got \`${installHour}\``);
  }
}

/** `installHour`:00 on the calendar day `offset` days from `now`'s day, in the given zone. */
function windowOn(now: Date, offset: number, installHour: number, timeZone: ScheduleZone): Date {
  if (timeZone === 'utc') {
    return new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset, installHour),
    );
  }
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset, installHour);
}

function dayMatches(date: Date, installDay: InstallDay, timeZone: ScheduleZone): boolean {
  if (installDay === 'everyday') return true;
  const weekday = timeZone === 'utc' ? date.getUTCDay() : date.getDay();
  // INSTALL_DAYS[0] is 'everyday'; the weekdays follow in getDay() order.
  return INSTALL_DAYS.indexOf(installDay) - 1 === weekday;
}
