import { fleetMember } from '../../machines/fleetMember.ts';
import type { ActorKind } from '../runtime/ActorHost.ts';

/** The actor kind of every enrolled machine: one fleetMember actor per machine id. */
export const MACHINE_KIND: ActorKind<typeof fleetMember> = {
  name: 'machine',
  logic: fleetMember,
  notFoundCode: 'MACHINE_NOT_FOUND',
  refusedCode: 'INVALID_REQUEST',
};
