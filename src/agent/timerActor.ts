import { type EventObject, fromCallback } from 'xstate';
import type { TimerEvent, TimerInput } from '../../machines/timer.ts';
import { computeDeadline } from '../domain/timerSpec.ts';

/** The clock the agent waits on; tests pass a fake one. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

/** The real clock: wall time, Node timers, Math.random. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: () => Math.random(),
};

// Node clamps delays above 2^31−1 ms to 1 ms; long waits are chained in slices instead.
const MAX_SLICE_MS = 2_147_483_647;

/**
 * The `timer` actor logic for agent machines (contract in machines/timer.ts). Without a deadline in
 * its input it chooses one from the spec and reports it with TIMER.SCHEDULED; with a deadline it
 * sends TIMER.FIRED when the clock reaches it — at once if it passed while the agent was off.
 *
 * @example clientMachine.provide({ actors: { timer: createTimerLogic(systemClock) } })
 */
export function createTimerLogic(clock: Clock) {
  return fromCallback<EventObject, TimerInput>(({ input, sendBack }) => {
    const send = (event: TimerEvent) => sendBack(event);
    if (input.deadline === undefined) {
      send({
        type: 'TIMER.SCHEDULED',
        timer: input.timer,
        deadline: computeDeadline(input.spec, clock.now(), clock.random()),
      });
      return;
    }
    const due = input.deadline;
    let handle: unknown;
    const arm = () => {
      const remaining = due - clock.now();
      if (remaining <= 0) {
        send({ type: 'TIMER.FIRED', timer: input.timer });
        return;
      }
      handle = clock.setTimeout(arm, Math.min(remaining, MAX_SLICE_MS));
    };
    arm();
    return () => clock.clearTimeout(handle);
  });
}
