import { assign, setup } from 'xstate';
import type { UpdateState } from '../src/domain/update.ts';

/** What the lifecycle remembers: whether the update was ever GA, and its last state change. */
export interface UpdateLifecycleContext {
  updateId: string;
  wasEverGA: boolean;
  lastTransition?: { from: UpdateState; to: UpdateState; at: string };
}

/** Events the lifecycle accepts. `at` is an ISO time given by the caller, so the machine stays pure. */
export type UpdateLifecycleEvent =
  | { type: 'MARK_PREAPPROVAL'; at: string }
  | { type: 'MARK_INACTIVE'; at: string }
  | { type: 'MARK_GA'; at: string }
  | { type: 'MARK_REMOVE'; at: string }
  | { type: 'SET_HIGH_PRIORITY'; at: string }
  | { type: 'CLEAR_HIGH_PRIORITY'; at: string }
  | { type: 'DELETE'; at: string };

/** The event that moves an update into each state. */
export const MARK_EVENT_FOR_STATE = {
  PreApproval: 'MARK_PREAPPROVAL',
  Inactive: 'MARK_INACTIVE',
  GA: 'MARK_GA',
  Remove: 'MARK_REMOVE',
} as const satisfies Record<UpdateState, UpdateLifecycleEvent['type']>;

/**
 * The lifecycle of one update in the catalog (ARCHITECTURE.md, "Machines").
 *
 * `catalog.state`: PreApproval → GA | Inactive; GA → Inactive | Remove | PreApproval;
 * Inactive → GA | Remove (only if it was GA before) | PreApproval; Remove → GA | Inactive.
 * `catalog.priority` is a parallel region, normal ⇄ high. DELETE is accepted only in
 * PreApproval and Inactive and ends the actor in `deleted`. Anything else is refused:
 * `snapshot.can(event)` is false, and the host answers UPDATE_INVALID_TRANSITION.
 *
 * @example createActor(updateLifecycle, { input: { updateId: 'u1' } }).start().send({ type: 'MARK_GA', at })
 */
export const updateLifecycle = setup({
  types: {
    context: {} as UpdateLifecycleContext,
    events: {} as UpdateLifecycleEvent,
    input: {} as { updateId: string },
  },
  guards: {
    wasEverGA: ({ context }) => context.wasEverGA,
  },
  actions: {
    recordTransition: assign(({ context, event }, params: { to: UpdateState }) => ({
      wasEverGA: context.wasEverGA || params.to === 'GA',
      lastTransition: { from: context.lastTransition?.to ?? 'PreApproval', to: params.to, at: event.at },
    })),
  },
}).createMachine({
  id: 'updateLifecycle',
  context: ({ input }) => ({ updateId: input.updateId, wasEverGA: false }),
  initial: 'catalog',
  states: {
    catalog: {
      type: 'parallel',
      states: {
        state: {
          initial: 'PreApproval',
          states: {
            PreApproval: {
              on: {
                MARK_GA: { target: 'GA', actions: { type: 'recordTransition', params: { to: 'GA' } } },
                MARK_INACTIVE: {
                  target: 'Inactive',
                  actions: { type: 'recordTransition', params: { to: 'Inactive' } },
                },
                DELETE: { target: '#updateLifecycle.deleted' },
              },
            },
            Inactive: {
              on: {
                MARK_GA: { target: 'GA', actions: { type: 'recordTransition', params: { to: 'GA' } } },
                MARK_REMOVE: {
                  target: 'Remove',
                  guard: 'wasEverGA',
                  actions: { type: 'recordTransition', params: { to: 'Remove' } },
                },
                MARK_PREAPPROVAL: {
                  target: 'PreApproval',
                  actions: { type: 'recordTransition', params: { to: 'PreApproval' } },
                },
                DELETE: { target: '#updateLifecycle.deleted' },
              },
            },
            GA: {
              on: {
                MARK_INACTIVE: {
                  target: 'Inactive',
                  actions: { type: 'recordTransition', params: { to: 'Inactive' } },
                },
                MARK_REMOVE: {
                  target: 'Remove',
                  actions: { type: 'recordTransition', params: { to: 'Remove' } },
                },
                MARK_PREAPPROVAL: {
                  target: 'PreApproval',
                  actions: { type: 'recordTransition', params: { to: 'PreApproval' } },
                },
              },
            },
            Remove: {
              on: {
                MARK_GA: { target: 'GA', actions: { type: 'recordTransition', params: { to: 'GA' } } },
                MARK_INACTIVE: {
                  target: 'Inactive',
                  actions: { type: 'recordTransition', params: { to: 'Inactive' } },
                },
              },
            },
          },
        },
        priority: {
          initial: 'normal',
          states: {
            normal: { on: { SET_HIGH_PRIORITY: 'high' } },
            high: { on: { CLEAR_HIGH_PRIORITY: 'normal' } },
          },
        },
      },
    },
    deleted: { type: 'final' },
  },
});

/** The lifecycle state and priority flag an update-lifecycle snapshot is in. */
export function readUpdateLifecycle(
  value: unknown,
): { state: UpdateState; highPriority: boolean } | 'deleted' {
  if (value === 'deleted') return 'deleted';
  const catalog = (value as { catalog: { state: UpdateState; priority: 'normal' | 'high' } }).catalog;
  return { state: catalog.state, highPriority: catalog.priority === 'high' };
}
