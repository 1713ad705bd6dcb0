import { type AnyActorRef, type AnyStateMachine, createActor } from 'xstate';
import type {
  ActorInspector,
  ActorQuery,
  ActorSummary,
  ActorView,
  InspectionRecord,
} from '../../src/runtime/actorInspector.ts';

/**
 * A test double of the runtime's ActorInspector: it runs real XState actors in memory and
 * records, like the host will, one `event` record per delivered event and one `snapshot` record
 * per resulting state. Persisted-only actors are plain views.
 */
export class InMemoryInspector implements ActorInspector {
  readonly #machines: Record<string, AnyStateMachine>;
  readonly #live = new Map<string, { kind: string; id: string; actor: AnyActorRef }>();
  readonly #persisted = new Map<string, ActorView>();
  readonly #records: InspectionRecord[] = [];
  readonly #listeners = new Set<(record: InspectionRecord) => void>();
  #seq = 0;

  constructor(machines: Record<string, AnyStateMachine>) {
    this.#machines = machines;
  }

  /** Starts a live actor of `kind` with `input`. */
  spawn(kind: string, id: string, input: unknown): void {
    const machine = this.#machines[kind];
    if (!machine) throw new TypeError(`Expected a known machine kind, got ${kind}`);
    this.#live.set(`${kind}/${id}`, { kind, id, actor: createActor(machine, { input }).start() });
  }

  /** Adds an actor that exists only in the store. */
  persist(view: ActorView): void {
    this.#persisted.set(`${view.kind}/${view.id}`, view);
  }

  /** Delivers `event` to a live actor and records the event and the snapshot it leads to. */
  send(kind: string, id: string, event: { type: string; [field: string]: unknown }): void {
    const entry = this.#live.get(`${kind}/${id}`);
    if (!entry) throw new TypeError(`Expected a live actor, got ${kind}/${id}`);
    this.#record({ kind, id, type: 'event', event });
    entry.actor.send(event);
    this.#record({ kind, id, type: 'snapshot', value: entry.actor.getSnapshot().value });
  }

  /** How many listeners are subscribed: lets tests see that a closed stream unsubscribed. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  async listActors(query: ActorQuery): Promise<ActorSummary[]> {
    const all = [
      ...[...this.#live.values()].map(({ kind, id }) => ({ kind, id, live: true })),
      ...[...this.#persisted.values()].map(({ kind, id }) => ({ kind, id, live: false })),
    ];
    return all
      .filter((actor) => query.kind === undefined || actor.kind === query.kind)
      .filter((actor) => query.search === undefined || actor.id.startsWith(query.search))
      .slice(0, query.limit ?? 100);
  }

  async getActor(kind: string, id: string): Promise<ActorView | undefined> {
    const entry = this.#live.get(`${kind}/${id}`);
    if (!entry) return this.#persisted.get(`${kind}/${id}`);
    const snapshot = entry.actor.getSnapshot();
    return { kind, id, value: snapshot.value, context: snapshot.context, status: snapshot.status };
  }

  recentEvents(kind: string, id: string, limit: number): InspectionRecord[] {
    return this.#records.filter((record) => record.kind === kind && record.id === id).slice(-limit);
  }

  subscribe(listener: (record: InspectionRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(fields: Omit<InspectionRecord, 'seq' | 'at'>): void {
    const record: InspectionRecord = { seq: ++this.#seq, at: new Date().toISOString(), ...fields };
    this.#records.push(record);
    for (const listener of this.#listeners) listener(record);
  }
}
