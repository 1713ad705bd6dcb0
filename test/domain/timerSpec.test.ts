import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, computeDeadline } from '../../src/domain/timerSpec.ts';

const deadline = suite('computeDeadline');

deadline('random spans [min, max] with the random number', () => {
  const spec = { kind: 'random', minMs: 1000, maxMs: 2000 } as const;
  assert.is(computeDeadline(spec, 50, 0), 1050);
  assert.is(computeDeadline(spec, 50, 0.999999), 2050);
});

deadline('random with min = max is exact', () => {
  assert.is(computeDeadline({ kind: 'random', minMs: 500, maxMs: 500 }, 10, 0.7), 510);
});

deadline('window gives the next installHour:00 in local time', () => {
  const now = new Date(2024, 0, 10, 5, 0).getTime();
  const spec = { kind: 'window', installDay: 'everyday', installHour: 3 } as const;
  assert.is(computeDeadline(spec, now, 0), new Date(2024, 0, 11, 3, 0).getTime());
});

deadline('a weekday window falls on that weekday', () => {
  const now = new Date(2024, 0, 10, 12, 0).getTime();
  const spec = { kind: 'window', installDay: 'sunday', installHour: 22 } as const;
  assert.is(computeDeadline(spec, now, 0), new Date(2024, 0, 14, 22, 0).getTime());
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
