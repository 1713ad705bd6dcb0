import { fleetMember } from '../../machines/fleetMember.ts';
import type { ActorKind } from '../runtime/ActorHost.ts';

/** The actor kind of every enrolled machine: one fleetMember actor per machine id. */
export const MACHINE_KIND: ActorKind<typeof fleetMember> = {
  name: 'machine',
  logic: fleetMember,
  notFoundCode: 'MACHINE_NOT_FOUND',
  refusedCode: 'INVALID_REQUEST',
  // A machine's actor sees a burst (a recorded check-in, then its events) and then nothing for a
  // check interval. Kept live by the host's 10,000 bound, a fleet's recent actors took ~75 MiB of
  // heap; at 2,000, a release at a million machines (~1,000 activations a second) kept each for ~2 s,
  // long enough to be promoted and die in the old generation, which paced its mark-compacts. 256
  // still covers every burst in flight (a quarter of a second of activations), and an unchanged
  // check-in never touches the actor at all (docs/performance.md).
  maxLive: 256,
  // No children, timers or sends: a snapshot and the machine's pure transition are all it needs, and
  // each check-in that changes something activates it afresh, where an XState Actor's creation,
  // start and stop cost more than the events. A pure kind is inspected by the host (XState's
  // inspection events cost ~10% of a busy provider's time in a release).
  pure: true,
};
