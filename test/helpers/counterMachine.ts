import { assign, setup } from 'xstate';

/** A counter that records the order of the values it was sent, and throws on BOOM: the host tests' actor. */
export const counter = setup({
  types: {
    context: {} as { seen: number[] },
    events: {} as { type: 'ADD'; n: number } | { type: 'BOOM' },
  },
  actions: {
    remember: assign(({ context, event }) => ({ seen: [...context.seen, (event as { n: number }).n] })),
    explode: () => {
      throw new Error('boom');
    },
  },
}).createMachine({
  context: { seen: [] },
  on: { ADD: { actions: 'remember' }, BOOM: { actions: 'explode' } },
});
