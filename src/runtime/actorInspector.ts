import type { StateValue } from 'xstate';

/** Which actors to list: of one kind, whose id contains `search` (case-insensitive), at most `limit`. */
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
 * One entry of the runtime's inspection stream (fed by each actor's `inspect` callback):
 * an event delivered to an actor, or the snapshot it moved to. `seq` grows by one per record
 * across all actors, so a client can resume after it (SSE `Last-Event-ID`).
 */
export interface InspectionRecord {
  seq: number;
  /** ISO-8601 UTC time the runtime saw it. */
  at: string;
  kind: string;
  id: string;
  type: 'event' | 'snapshot';
  /** For `type: 'event'`: the event as delivered. */
  event?: { type: string; [field: string]: unknown };
  /** For `type: 'snapshot'`: the state value the actor is now in. */
  value?: StateValue;
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
