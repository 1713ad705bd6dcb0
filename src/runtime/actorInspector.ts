import type { StateValue } from 'xstate';
import type { InspectionRecord } from './InspectionLog.ts';

/** One entry of the runtime's inspection stream (defined with the ring buffer that holds it). */
export type { InspectionRecord };

/** Which actors to list: of one kind, whose id starts with `search`, at most `limit`. */
export interface ActorQuery {
  kind?: string;
  search?: string;
  limit?: number;
}

/** One actor the host knows: `live` when it is active in memory, false when only persisted. */
export interface ActorSummary {
  kind: string;
  id: string;
  live: boolean;
}

/** An actor's current snapshot, as the debug view shows it. */
export interface ActorView {
  kind: string;
  id: string;
  value: StateValue;
  context: unknown;
  /** XState's snapshot status. */
  status: 'active' | 'done' | 'error' | 'stopped';
}

/**
 * What the debug visualizer needs from the actor runtime. The virtual-actor host implements it;
 * `http/debugRoutes.ts` only reads through it. Types only: no implementation lives here.
 *
 * @example const { value } = (await inspector.getActor('updateLifecycle', 'u1')) ?? {}
 */
export interface ActorInspector {
  /** Active and persisted actors matching the query, live ones first. */
  listActors(query: ActorQuery): Promise<ActorSummary[]>;
  /** The actor's current snapshot (restoring a passivated one from the store), or undefined. */
  getActor(kind: string, id: string): Promise<ActorView | undefined>;
  /** The actor's last `limit` records still in the ring buffer, oldest first. */
  recentEvents(kind: string, id: string, limit: number): InspectionRecord[];
  /** Calls `listener` for every new record of every actor; returns the unsubscribe function. */
  subscribe(listener: (record: InspectionRecord) => void): () => void;
}
