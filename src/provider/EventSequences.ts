import type { JsonSublevel, Store } from '../../storage/Store.ts';

/**
 * Agent-event numbers as earlier versions stored them: per machine, apart from its snapshot, in the
 * `agentEventSeq` sublevel. A machine's actor now keeps its own (`eventSeq` in machines/fleetMember.ts,
 * committed with the events); this reads the old number for a machine whose snapshot has none yet, so
 * a batch resent across the upgrade is still recognised. Nothing writes here any more, so a store
 * without old numbers (every store made by this version) is never read.
 *
 * @example const sequences = await EventSequences.open(store); await sequences.last('m1') // 0: none
 */
export class EventSequences {
  readonly #sublevel: JsonSublevel;
  readonly #empty: boolean;

  private constructor(sublevel: JsonSublevel, empty: boolean) {
    this.#sublevel = sublevel;
    this.#empty = empty;
  }

  /** Looks once whether `store` holds any old numbers. */
  static async open(store: Store): Promise<EventSequences> {
    const sublevel = store.sublevel('agentEventSeq');
    const first = await sublevel.keys({ limit: 1 }).all();
    return new EventSequences(sublevel, first.length === 0);
  }

  /** The last sequence number stored for `machineId` by an earlier version (0 when none). */
  async last(machineId: string): Promise<number> {
    if (this.#empty) return 0;
    const stored = await this.#sublevel.get(machineId);
    return typeof stored === 'number' ? stored : 0;
  }
}
