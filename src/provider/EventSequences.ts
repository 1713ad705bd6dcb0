import type { Store } from '../../storage/Store.ts';

/**
 * Agent-event numbers as earlier versions stored them: per machine, apart from its snapshot, in the
 * `agentEventSeq` sublevel. A machine's actor now keeps its own (`eventSeq` in machines/fleetMember.ts,
 * committed with the events); this reads the old number for a machine whose snapshot has none yet, so
 * a batch resent across the upgrade is still recognised. Nothing writes here any more.
 *
 * @example const floor = await sequences.last('m1') // 0 when none was stored
 */
export class EventSequences {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The last sequence number stored for `machineId` by an earlier version (0 when none). */
  async last(machineId: string): Promise<number> {
    const stored = await this.#store.sublevel('agentEventSeq').get(machineId);
    return typeof stored === 'number' ? stored : 0;
  }
}
