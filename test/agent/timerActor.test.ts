import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AnyEventObject, createActor, createMachine } from 'xstate';
import type { TimerInput } from '../../machines/timer.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';

/** Runs the timer as the child of a tiny parent that records what it sends back. */
function runTimer(input: TimerInput, clock = createFakeClock(1000, 0.5)) {
  const received: AnyEventObject[] = [];
  const parent = createMachine({
    invoke: { src: createTimerLogic(clock), input },
    on: { '*': { actions: ({ event }) => received.push(event) } },
  });
  const actor = createActor(parent).start();
  return { received, clock, actor };
}

const timer = suite('createTimerLogic');

timer('without a deadline it reports the chosen one and does not fire', () => {
  const { received, clock } = runTimer({ timer: 'check', spec: { kind: 'random', minMs: 100, maxMs: 300 } });
  assert.equal(received, [{ type: 'TIMER.SCHEDULED', timer: 'check', deadline: 1200 }]);
  clock.advance(10_000);
  assert.is(received.length, 1);
});

timer('with a deadline it fires when the clock reaches it', () => {
  const { received, clock } = runTimer({
    timer: 'w',
    spec: { kind: 'random', minMs: 0, maxMs: 0 },
    deadline: 1500,
  });
  clock.advance(499);
  assert.equal(received, []);
  clock.advance(1);
  assert.equal(received, [{ type: 'TIMER.FIRED', timer: 'w' }]);
});

timer('a deadline in the past fires at once', () => {
  const { received } = runTimer({ timer: 'w', spec: { kind: 'random', minMs: 0, maxMs: 0 }, deadline: 10 });
  assert.equal(received, [{ type: 'TIMER.FIRED', timer: 'w' }]);
});

timer('stopping the parent clears the pending clock timer', () => {
  const { clock, actor } = runTimer({
    timer: 'w',
    spec: { kind: 'random', minMs: 0, maxMs: 0 },
    deadline: 5000,
  });
  assert.is(clock.pending(), 1);
  actor.stop();
  assert.is(clock.pending(), 0);
});

timer.run();
