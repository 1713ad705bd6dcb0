import { fleetMember } from '../../machines/fleetMember.ts';
import type { ActorKind } from '../runtime/ActorHost.ts';

/** The actor kind of every enrolled machine: one fleetMember actor per machine id. */
export const MACHINE_KIND: ActorKind<typeof fleetMember> = {
  name: 'machine',
  logic: fleetMember,
  notFoundCode: 'MACHINE_NOT_FOUND',
  refusedCode: 'INVALID_REQUEST',
  // A machine's actor sees a burst (a recorded check-in, then its events) and then nothing for a
  // check interval; kept live by the host's 10,000 bound, a fleet's recent actors took ~75 MiB of
  // heap and V8 grew the heap ~2x past that (docs/performance.md). 2,000 still covers every burst in
  // flight, and an unchanged check-in never touches the actor at all.
  maxLive: 2_000,
  // No children, timers or sends: a snapshot and the machine's pure transition are all it needs, and
  // each check-in that changes something activates it afresh, where an XState Actor's creation,
  // start and stop cost more than the events. A pure kind is inspected by the host (XState's
  // inspection events cost ~10% of a busy provider's time in a release).
  pure: true,
};
