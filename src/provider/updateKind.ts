import { readUpdateLifecycle, updateLifecycle } from '../../machines/updateLifecycle.ts';
import type { ActorKind } from '../runtime/ActorHost.ts';

const TARGET_OF_EVENT: Record<string, string> = {
  MARK_PREAPPROVAL: 'PreApproval',
  MARK_INACTIVE: 'Inactive',
  MARK_GA: 'GA',
  MARK_REMOVE: 'Remove',
};

/** The actor kind of every update in the catalog. */
export const UPDATE_KIND: ActorKind<typeof updateLifecycle> = {
  name: 'update',
  logic: updateLifecycle,
  refusedCode: 'UPDATE_INVALID_TRANSITION',
  notFoundCode: 'UPDATE_NOT_FOUND',
  describeRefusal(snapshot, event) {
    const current = readUpdateLifecycle(snapshot.value);
    const from = current === 'deleted' ? 'deleted' : current.state;
    const to = TARGET_OF_EVENT[event.type];
    if (!to) return `update ${snapshot.context.updateId} cannot ${event.type} while ${from}`;
    if (to === from) return `update ${snapshot.context.updateId} is already ${to}`;
    if (to === 'Remove' && !snapshot.context.wasEverGA) {
      return `${from} → Remove is refused: only an update that was GA can be marked Remove`;
    }
    return `${from} → ${to} is not an allowed state change`;
  },
};
