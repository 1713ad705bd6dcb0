import { type EventObject, fromCallback } from 'xstate';
import type { TimerSpec } from '../src/domain/timerSpec.ts';

/**
 * What an invoked timer is given. Without `deadline` the timer only *chooses* one and reports it
 * (TIMER.SCHEDULED); with `deadline` it waits for it (TIMER.FIRED). Machines therefore use two
 * substates, `scheduling` then `waiting`: XState restores an invoked child with the input it was
 * started with, so the deadline must be in the waiting child's input to survive a restart.
 */
export interface TimerInput {
  timer: string;
  spec: TimerSpec;
  deadline?: number;
}

/** The timer tells its parent the deadline it chose, so the parent can persist it in context. */
export interface TimerScheduledEvent {
  type: 'TIMER.SCHEDULED';
  timer: string;
  deadline: number;
}

/** The deadline has passed (at once when it was already in the past at start). */
export interface TimerFiredEvent {
  type: 'TIMER.FIRED';
  timer: string;
}

/** Events a timer sends back to the machine that invoked it. */
export type TimerEvent = TimerScheduledEvent | TimerFiredEvent;

/**
 * The contract of the `timer` actor every agent machine registers in `setup({ actors })`.
 * The clock is a side effect, so the real logic (src/agent/timerActor.ts) is injected with
 * `.provide({ actors: { timer } })`; starting a machine without it fails loudly.
 */
export const timerContract = fromCallback<EventObject, TimerInput>(() => {
  throw new TypeError(
    'Expected the `timer` actor to be provided with machine.provide({ actors: { timer } })',
  );
});
