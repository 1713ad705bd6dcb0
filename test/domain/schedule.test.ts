import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INSTALL_DAYS, type InstallDay } from '../../src/domain/fleet.ts';
import {
  missedWindow,
  nextInstallWindow,
  previousInstallWindow,
  randomCheckDelay,
} from '../../src/domain/schedule.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

// These run in whatever zone the runtime has: expectations are read back with local getters.
const next = suite('nextInstallWindow');

next('finds the next matching weekday at the install hour, local time', () => {
  const now = new Date(2024, 0, 3, 12, 30); // a Wednesday
  const window = nextInstallWindow(now, 'sunday', 3);
  assert.is(window.getDay(), 0);
  assert.is(window.getHours(), 3);
  assert.is(window.getMinutes(), 0);
  assert.is(window.getSeconds(), 0);
  assert.is(window.getMilliseconds(), 0);
  assert.ok(window.getTime() > now.getTime());
  assert.ok(window.getTime() - now.getTime() < 7 * DAY_MS);
});

next('returns today’s window when it is still ahead', () => {
  const now = new Date(2024, 0, 3, 1, 0);
  const window = nextInstallWindow(now, 'everyday', 3);
  assert.equal(
    [window.getFullYear(), window.getMonth(), window.getDate(), window.getHours()],
    [2024, 0, 3, 3],
  );
});

next('moves to tomorrow for everyday once today’s window has passed', () => {
  const now = new Date(2024, 0, 3, 4, 0);
  const window = nextInstallWindow(now, 'everyday', 3);
  assert.equal([window.getMonth(), window.getDate(), window.getHours()], [0, 4, 3]);
});

next('a window starting exactly now is the current one', () => {
  const now = new Date(2024, 0, 7, 3, 0, 0, 0); // a Sunday at 03:00
  assert.is(nextInstallWindow(now, 'sunday', 3).getTime(), now.getTime());
});

next('one millisecond after the start, the next window is a week later on the same weekday', () => {
  const now = new Date(2024, 0, 7, 3, 0, 0, 1);
  const window = nextInstallWindow(now, 'sunday', 3);
  assert.equal([window.getMonth(), window.getDate(), window.getDay(), window.getHours()], [0, 14, 0, 3]);
});

next('finds each weekday within the coming week', () => {
  const now = new Date(2024, 4, 15, 10, 0);
  for (const day of INSTALL_DAYS.slice(1)) {
    const window = nextInstallWindow(now, day, 22);
    assert.is(window.getDay(), INSTALL_DAYS.indexOf(day) - 1, day);
    assert.is(window.getHours(), 22, day);
    assert.ok(
      window.getTime() >= now.getTime() && window.getTime() - now.getTime() < 7 * DAY_MS + 2 * 3600_000,
    );
  }
});

next('crosses month and year ends', () => {
  const now = new Date(2024, 11, 31, 23, 0);
  const window = nextInstallWindow(now, 'everyday', 0);
  assert.equal(
    [window.getFullYear(), window.getMonth(), window.getDate(), window.getHours()],
    [2025, 0, 1, 0],
  );
});

next('lands on the install hour, or just after a DST gap, on every day of a year', () => {
  // Whatever the runtime zone, a local-calendar walk must never skip a day or drift off the hour.
  for (let day = 0; day < 366; day++) {
    const now = new Date(2024, 0, 1 + day, 0, 30);
    for (const hour of [2, 3]) {
      const window = nextInstallWindow(now, 'everyday', hour);
      assert.is(window.getDate(), now.getDate());
      assert.ok(
        window.getHours() === hour || window.getHours() === hour + 1,
        `${now.toString()} hour ${hour}`,
      );
      assert.ok(window.getTime() >= now.getTime());
    }
  }
});

next('reads the calendar in UTC when asked', () => {
  const now = new Date(Date.UTC(2024, 0, 3, 12, 30)); // a Wednesday, UTC
  const window = nextInstallWindow(now, 'sunday', 3, 'utc');
  assert.equal(
    [
      window.getUTCFullYear(),
      window.getUTCMonth(),
      window.getUTCDate(),
      window.getUTCDay(),
      window.getUTCHours(),
    ],
    [2024, 0, 7, 0, 3],
  );
  assert.is(window.getUTCMinutes() + window.getUTCSeconds() + window.getUTCMilliseconds(), 0);
});

next('refuses a bad hour, day or date with TypeError', () => {
  const now = new Date(2024, 0, 3);
  assert.throws(() => nextInstallWindow(now, 'everyday', 24), TypeError);
  assert.throws(() => nextInstallWindow(now, 'everyday', -1), TypeError);
  assert.throws(() => nextInstallWindow(now, 'everyday', 1.5), TypeError);
  assert.throws(() => nextInstallWindow(now, 'someday' as InstallDay, 3), TypeError);
  assert.throws(() => nextInstallWindow(new Date(Number.NaN), 'everyday', 3), TypeError);
});

next.run();

const previous = suite('previousInstallWindow');

previous('finds the latest window at or before now', () => {
  const now = new Date(2024, 0, 3, 12, 30); // a Wednesday
  const window = previousInstallWindow(now, 'sunday', 3);
  assert.equal(
    [window.getFullYear(), window.getMonth(), window.getDate(), window.getDay(), window.getHours()],
    [2023, 11, 31, 0, 3],
  );
  assert.ok(window.getTime() <= now.getTime());
  assert.ok(now.getTime() - window.getTime() < 7 * DAY_MS);
  assert.is(nextInstallWindow(new Date(window.getTime() + 1), 'sunday', 3).getDay(), 0);
});

previous('a window starting exactly now is the previous one too', () => {
  const now = new Date(2024, 0, 7, 3, 0, 0, 0);
  assert.is(previousInstallWindow(now, 'sunday', 3).getTime(), now.getTime());
});

previous('is yesterday for everyday before today’s hour', () => {
  const now = new Date(2024, 0, 3, 1, 0);
  const window = previousInstallWindow(now, 'everyday', 3);
  assert.equal([window.getDate(), window.getHours()], [2, 3]);
});

previous('reads the calendar in UTC when asked', () => {
  const now = new Date(Date.UTC(2024, 0, 3, 12, 30));
  assert.is(
    previousInstallWindow(now, 'sunday', 3, 'utc').toISOString(),
    new Date(Date.UTC(2023, 11, 31, 3)).toISOString(),
  );
});

previous.run();

const missed = suite('missedWindow');

const scheduled = new Date(Date.UTC(2024, 0, 7, 3));
const after = new Date(scheduled.getTime() + 6 * 3600_000);

missed('is true when the machine did not run since the window began', () => {
  assert.is(missedWindow(new Date(scheduled.getTime() - DAY_MS), scheduled, after), true);
});

missed('is true when the agent never ran a window', () => {
  assert.is(missedWindow(undefined, scheduled, after), true);
});

missed('is false when the machine ran at or after the window start', () => {
  assert.is(missedWindow(scheduled, scheduled, after), false);
  assert.is(missedWindow(new Date(scheduled.getTime() + 1000), scheduled, after), false);
});

missed('is false when the window has not started yet', () => {
  assert.is(missedWindow(undefined, scheduled, new Date(scheduled.getTime() - 1)), false);
});

missed.run();

const delay = suite('randomCheckDelay');

delay('spans [min, max] with both ends reachable', () => {
  assert.is(
    randomCheckDelay(30, 60, () => 0),
    30,
  );
  assert.is(
    randomCheckDelay(30, 60, () => 0.999_999_999),
    60,
  );
  assert.is(
    randomCheckDelay(30, 60, () => 0.5),
    30 + Math.floor(0.5 * 31),
  );
});

delay('stays within bounds and whole with Math.random', () => {
  const min = 30 * 60_000;
  const max = 60 * 60_000;
  for (let i = 0; i < 1000; i++) {
    const value = randomCheckDelay(min, max);
    assert.ok(Number.isInteger(value) && value >= min && value <= max);
  }
});

delay('returns min when min equals max', () => {
  assert.is(
    randomCheckDelay(5000, 5000, () => 0.7),
    5000,
  );
});

delay('refuses bad bounds or a bad random source with TypeError', () => {
  assert.throws(() => randomCheckDelay(-1, 10), TypeError);
  assert.throws(() => randomCheckDelay(10, 5), TypeError);
  assert.throws(() => randomCheckDelay(1.5, 5), TypeError);
  assert.throws(() => randomCheckDelay(0, Number.POSITIVE_INFINITY), TypeError);
  assert.throws(() => randomCheckDelay(0, 10, () => 1), TypeError);
  assert.throws(() => randomCheckDelay(0, 10, () => Number.NaN), TypeError);
});

delay.run();
