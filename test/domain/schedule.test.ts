import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, computeDeadline, nextInstallWindow } from '../../src/domain/schedule.ts';

const next = suite('nextInstallWindow');

next('everyday before the hour gives today at the hour', () => {
  const now = new Date(2024, 0, 10, 1, 30).getTime();
  assert.is(nextInstallWindow(now, 'everyday', 3), new Date(2024, 0, 10, 3, 0).getTime());
});

next('everyday after the hour gives tomorrow at the hour', () => {
  const now = new Date(2024, 0, 10, 5, 0).getTime();
  assert.is(nextInstallWindow(now, 'everyday', 3), new Date(2024, 0, 11, 3, 0).getTime());
});

next('exactly at the hour gives the next window, not now', () => {
  const now = new Date(2024, 0, 10, 3, 0).getTime();
  assert.is(nextInstallWindow(now, 'everyday', 3), new Date(2024, 0, 11, 3, 0).getTime());
});

next('a weekday gives the next such day in local time', () => {
  // 2024-01-10 is a Wednesday; the next Sunday is the 14th.
  const now = new Date(2024, 0, 10, 12, 0).getTime();
  const window = new Date(nextInstallWindow(now, 'sunday', 22));
  assert.is(window.getDay(), 0);
  assert.is(window.getTime(), new Date(2024, 0, 14, 22, 0).getTime());
});

next('the same weekday after the hour gives a week later', () => {
  const now = new Date(2024, 0, 10, 23, 0).getTime();
  assert.is(nextInstallWindow(now, 'wednesday', 22), new Date(2024, 0, 17, 22, 0).getTime());
});

next('an hour outside 0-23 is a TypeError', () => {
  assert.throws(() => nextInstallWindow(0, 'everyday', 24), TypeError);
});

next.run();

const deadline = suite('computeDeadline');

deadline('random spans [min, max] with the random number', () => {
  const spec = { kind: 'random', minMs: 1000, maxMs: 2000 } as const;
  assert.is(computeDeadline(spec, 50, 0), 1050);
  assert.is(computeDeadline(spec, 50, 0.999999), 2050);
});

deadline('random with min = max is exact', () => {
  assert.is(computeDeadline({ kind: 'random', minMs: 500, maxMs: 500 }, 10, 0.7), 510);
});

deadline('window delegates to nextInstallWindow', () => {
  const now = new Date(2024, 0, 10, 1, 0).getTime();
  const spec = { kind: 'window', installDay: 'everyday', installHour: 2 } as const;
  assert.is(computeDeadline(spec, now, 0), new Date(2024, 0, 10, 2, 0).getTime());
});

deadline.run();

const backoff = suite('backoffDelay');

backoff('doubles per attempt from the base', () => {
  assert.equal(
    [1, 2, 3, 4].map((a) => backoffDelay(a, 100, 10_000)),
    [100, 200, 400, 800],
  );
});

backoff('is capped at the maximum', () => {
  assert.is(backoffDelay(20, 100, 5000), 5000);
});

backoff.run();
