import { and, fromCallback, fromPromise, not, setup } from 'xstate';

/**
 * A machine that uses every statechart feature the visualizer must draw: nesting, a parallel
 * state with two regions, a history state, guards (plain and higher-order), `after` delays (a
 * number and a named one), `always`, invoked actors with onDone/onError, a targetless transition,
 * a re-entering self transition, state onDone, a custom state id and final states.
 */
export const richMachine = setup({
  types: { context: {} as { tries: number } },
  guards: { canRetry: () => true, isOnline: () => true },
  actors: {
    fetchManifest: fromPromise(async () => 'manifest'),
    watchDisk: fromCallback(() => () => {}),
  },
  actions: { logFailure: () => {}, bumpTries: () => {} },
  delays: { backoff: 3000 },
}).createMachine({
  id: 'rich',
  context: { tries: 0 },
  initial: 'idle',
  states: {
    idle: {
      on: {
        START: [{ target: 'working', guard: and(['isOnline', not('canRetry')]) }, { target: 'working' }],
        PING: { actions: 'bumpTries' },
      },
      after: { 5000: { target: 'working', guard: 'isOnline' } },
    },
    working: {
      type: 'parallel',
      onDone: 'done',
      states: {
        fetch: {
          initial: 'requesting',
          states: {
            requesting: {
              invoke: {
                id: 'manifest',
                src: 'fetchManifest',
                onDone: 'fetched',
                onError: { target: 'backingOff', actions: 'logFailure' },
              },
            },
            backingOff: { after: { backoff: 'requesting' } },
            fetched: { type: 'final' },
          },
        },
        watch: {
          initial: 'watching',
          invoke: { src: 'watchDisk' },
          states: {
            watching: {
              id: 'diskWatch',
              on: { DISK_FULL: 'paused', RESET: { target: 'watching', reenter: true } },
            },
            paused: { on: { DISK_FREED: 'resume' } },
            resume: { type: 'history', history: 'deep' },
            settled: { type: 'final' },
          },
          always: { target: '.settled', guard: 'canRetry' },
        },
      },
    },
    done: { type: 'final' },
  },
});
