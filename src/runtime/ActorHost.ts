import {
  type Actor,
  type AnyActorScope,
  type AnyStateMachine,
  createActor,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
} from 'xstate';
import { SnapshotRepository } from '../../storage/SnapshotRepository.ts';
import type { Store, StoreOp } from '../../storage/Store.ts';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { type EventSummary, eventSummary } from './eventSummary.ts';
import { GroupCommit } from './GroupCommit.ts';
import { InspectionLog } from './InspectionLog.ts';
import { Mailboxes } from './Mailbox.ts';
import { PureActor, pureScope, type RunningActor } from './PureActor.ts';

/** How the host runs one kind of actor. */
export interface ActorKind<TLogic extends AnyStateMachine = AnyStateMachine> {
  /** The kind's name: the first half of every actor key, e.g. `update`. */
  name: string;
  logic: TLogic;
  /** The code a refused event is reported with (default UPDATE_INVALID_TRANSITION is wrong for most kinds). */
  refusedCode?: ErrorCode;
  /** A sentence for a refused event, for the error message (default: state and event names). */
  describeRefusal?(snapshot: SnapshotFrom<TLogic>, event: EventFromLogic<TLogic>): string;
  /** The code for "no such actor" (default ACTOR_NOT_FOUND). */
  notFoundCode?: ErrorCode;
  /**
   * True while a snapshot waits on a timer (a deadline in its context). Such actors are never
   * passivated, and they are reactivated when the host starts, so their waits resume.
   */
  keepAlive?(snapshot: SnapshotFrom<TLogic>): boolean;
  /**
   * Most live actors of this kind, below the host's own bound: for a kind with very many actors that
   * each see a short burst of events, whose live copies would otherwise fill the host and the heap.
   */
  maxLive?: number;
  /**
   * Who fills the inspection log for this kind. `xstate` (default): XState's inspection API, which
   * sees everything, including events an invoked child sends its parent. `host`: the host notes the
   * events it delivers and the snapshots that follow them (and those from timers), which is all
   * there is for a kind without children, without XState's inspection events (an object for every
   * microstep and action) on a hot path.
   */
  inspection?: 'xstate' | 'host';
  /**
   * Run each actor of this kind as a value ({@link PureActor}): its snapshot advanced by the machine's
   * own pure transition, without an XState `Actor`. For machines without children, timers or actions
   * that need a running actor (sending, spawning: those fail the actor), activated once per short
   * burst of events, where creating, starting and stopping an `Actor` cost more than the events.
   * Inspected by the host (as `inspection: 'host'`); no `keepAlive`, since nothing runs between events.
   */
  pure?: boolean;
  /**
   * More writes to commit atomically with every snapshot of this kind, whether it came from a send
   * or from a timer or child (e.g. an outbox row per reported event, or a projected record).
   */
  project?(id: string, snapshot: SnapshotFrom<TLogic>, previous: SnapshotFrom<TLogic> | undefined): StoreOp[];
}

/** Called after a snapshot is committed: the actor's kind, id and the snapshot that is now durable. */
export type CommitListener = (kind: string, id: string, snapshot: unknown) => void;

/** Options for one {@link ActorHost.send}. */
export interface SendOptions<TLogic extends AnyStateMachine> {
  /** Create the actor with this input when it does not exist yet (otherwise a missing actor is 404). */
  create?: InputFrom<TLogic>;
  /** Refuse, with the kind's refusedCode, an event the current state does not accept. */
  requireAccepted?: boolean;
  /** More writes to commit atomically with the new snapshot (e.g. a record projected from it). */
  alsoWrite?: (snapshot: SnapshotFrom<TLogic>, previous: SnapshotFrom<TLogic> | undefined) => StoreOp[];
}

/** Host tuning. */
export interface ActorHostOptions {
  /** Most live (in-memory) actors before idle ones are passivated. */
  maxLive?: number;
  /** Most ops in one group-commit batch. */
  maxBatchOps?: number;
  /** Inspection ring-buffer size; 0 turns inspection off. */
  inspectionCapacity?: number;
}

interface LiveActor {
  key: string;
  kind: ActorKind;
  id: string;
  actor: RunningActor;
  uncommitted: number;
  pinned: boolean;
  delivering: boolean;
  /** The last snapshot handed to the store, for `project`'s previous. */
  lastPersisted?: unknown;
  /** The commit of the last snapshot handed to the store (it rejects if that write fails). */
  lastCommit?: Promise<void>;
  failed?: unknown;
}

const PINS = 'pins';

/**
 * The virtual-actor host (ARCHITECTURE.md, "The actor runtime"). `send` activates an actor on demand
 * from its snapshot, delivers events to one actor strictly in order, and resolves only after the
 * resulting snapshot is committed; commits from many actors share one batch. Idle actors are
 * passivated under an LRU bound. An actor that throws is contained: it is dropped from memory, its
 * last committed snapshot stays, and the caller gets ACTOR_FAILED.
 *
 * @example
 * const host = new ActorHost(store, [{ name: 'update', logic: updateLifecycle }]);
 * await host.send('update', 'u1', { type: 'MARK_GA', at }, { requireAccepted: true });
 */
export class ActorHost {
  readonly snapshots: SnapshotRepository;
  readonly inspection: InspectionLog;
  readonly #store: Store;
  readonly #kinds = new Map<string, ActorKind>();
  readonly #live = new Map<string, LiveActor>();
  /** The live actors of each kind, also least recently used first, for the kinds' own bounds. */
  readonly #liveByKind = new Map<string, Map<string, LiveActor>>();
  readonly #mailboxes = new Mailboxes();
  readonly #commits: GroupCommit;
  readonly #maxLive: number;
  readonly #inspect: boolean;
  readonly #commitListeners = new Set<CommitListener>();
  /** The scope each pure kind's actors share. */
  readonly #pureScopes = new Map<string, AnyActorScope>();
  #closed = false;

  constructor(store: Store, kinds: ActorKind[], options: ActorHostOptions = {}) {
    this.#store = store;
    this.snapshots = new SnapshotRepository(store);
    this.#commits = new GroupCommit(store, { maxOps: options.maxBatchOps });
    this.#maxLive = options.maxLive ?? 10_000;
    this.#inspect = (options.inspectionCapacity ?? 10_000) > 0;
    this.inspection = new InspectionLog(Math.max(1, options.inspectionCapacity ?? 10_000));
    for (const kind of kinds) {
      if (kind.pure && kind.keepAlive) {
        throw new TypeError(`Expected kind \`${kind.name}\` to be pure or keep actors alive, not both`);
      }
      this.#kinds.set(kind.name, kind);
      if (kind.pure) this.#pureScopes.set(kind.name, pureScope(kind.logic));
    }
  }

  /** The kinds this host runs. */
  get kinds(): ActorKind[] {
    return [...this.#kinds.values()];
  }

  /** How many actors are in memory now. */
  get liveCount(): number {
    return this.#live.size;
  }

  /** Group-commit counters: batches written and ops in them. */
  get commitStats(): { batches: number; ops: number } {
    return { ...this.#commits.stats };
  }

  /**
   * Calls `listener` after every committed snapshot of every actor (sends, timers, finished children),
   * so callers can wait for an actor to reach a state durably. Returns the unsubscribe function.
   */
  onCommitted(listener: CommitListener): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  /** Reactivates every actor that was waiting on a timer when the host last stopped. */
  async start(): Promise<void> {
    const pins = this.#store.sublevel(PINS);
    for await (const key of pins.keys() as AsyncIterable<string>) {
      const slash = key.indexOf('/');
      const kind = key.slice(0, slash);
      const id = key.slice(slash + 1);
      if (!this.#kinds.has(kind)) continue;
      await this.#mailboxes.run(key, () => this.#activate(this.#kind(kind), id, key, undefined));
    }
  }

  /**
   * Delivers `event` to actor `kind/id` and resolves with its new snapshot once committed.
   * Throws the kind's notFoundCode when the actor does not exist and `create` is not given,
   * its refusedCode when `requireAccepted` and the state does not accept the event, and
   * ACTOR_FAILED when the actor throws.
   */
  async send<TLogic extends AnyStateMachine>(
    kindName: string,
    id: string,
    event: EventFromLogic<TLogic>,
    options: SendOptions<TLogic> = {},
  ): Promise<SnapshotFrom<TLogic>> {
    this.#assertOpen();
    const kind = this.#kind(kindName);
    const key = `${kindName}/${id}`;
    const { snapshot, commit } = await this.#mailboxes.run(key, async () => {
      const live = await this.#activate(kind, id, key, options.create);
      return this.#deliver(live, event, options as SendOptions<AnyStateMachine>);
    });
    await commit;
    return snapshot as SnapshotFrom<TLogic>;
  }

  /**
   * Delivers `events` to actor `kind/id` one after the other and commits once: one snapshot write
   * for the lot, with the `alsoWrite` ops of every event that changed it (each called with the
   * snapshot after that event and the one before). For a caller with several events for one actor at
   * once (an agent's batch of reports): the snapshot sending them in turn would reach, for one commit.
   * `events` may be a function of the actor's current snapshot, called in its turn (nothing else
   * reaches the actor meanwhile), for a batch that depends on what the actor holds.
   * Throws like {@link send}, but all or nothing: if an event or `alsoWrite` fails, nothing of the
   * batch is stored and the actor is dropped from memory, so the next send starts from what is.
   */
  async sendAll<TLogic extends AnyStateMachine>(
    kindName: string,
    id: string,
    events:
      | readonly EventFromLogic<TLogic>[]
      | ((
          current: SnapshotFrom<TLogic>,
        ) => readonly EventFromLogic<TLogic>[] | Promise<readonly EventFromLogic<TLogic>[]>),
    options: {
      /** More writes for one event that changed the snapshot: after it, before it, and the event. */
      alsoWrite?: (
        snapshot: SnapshotFrom<TLogic>,
        previous: SnapshotFrom<TLogic>,
        event: EventFromLogic<TLogic>,
      ) => StoreOp[];
    } = {},
  ): Promise<SnapshotFrom<TLogic>> {
    this.#assertOpen();
    const kind = this.#kind(kindName);
    const key = `${kindName}/${id}`;
    const { snapshot, commit } = await this.#mailboxes.run(key, async () => {
      const live = await this.#activate(kind, id, key, undefined);
      const first = live.actor.getSnapshot();
      const extra: StoreOp[] = [];
      try {
        for (const event of typeof events === 'function' ? await events(first as never) : events) {
          const { before, after } = this.#step(live, event, {});
          if (after !== before && options.alsoWrite)
            extra.push(...options.alsoWrite(after as never, before as never, event));
        }
      } catch (error) {
        // Events stepped before the failure must not reach the store with a later send.
        if (this.#live.get(key) === live && live.actor.getSnapshot() !== first) this.#evict(live);
        throw error;
      }
      // alsoWrite runs only for events that changed the snapshot, so no change means no extra ops.
      const after = live.actor.getSnapshot();
      const commit = after === first ? this.#lastCommit(live) : this.#persist(live, extra);
      return { snapshot: after, commit };
    });
    await commit;
    return snapshot as SnapshotFrom<TLogic>;
  }

  /**
   * Creates actor `kind/id` with `input` and commits its initial snapshot (plus `alsoWrite` ops).
   * Resolves with the snapshot; an existing actor is left as it is and returned.
   */
  async create<TLogic extends AnyStateMachine>(
    kindName: string,
    id: string,
    input: InputFrom<TLogic>,
    alsoWrite?: (snapshot: SnapshotFrom<TLogic>) => StoreOp[],
  ): Promise<SnapshotFrom<TLogic>> {
    this.#assertOpen();
    const kind = this.#kind(kindName);
    const key = `${kindName}/${id}`;
    const { snapshot, commit } = await this.#mailboxes.run(key, async () => {
      const live = await this.#activate(kind, id, key, input, alsoWrite as never);
      return {
        snapshot: live.actor.getSnapshot(),
        commit: live.uncommitted > 0 ? this.#lastCommit(live) : undefined,
      };
    });
    await commit;
    return snapshot as SnapshotFrom<TLogic>;
  }

  /** The current snapshot of `kind/id` as persisted JSON (live if in memory, else from the store), or undefined. */
  async peek(kindName: string, id: string): Promise<PersistedSnapshot | undefined> {
    const live = this.#live.get(`${kindName}/${id}`);
    if (live) return live.actor.getPersistedSnapshot() as unknown as PersistedSnapshot;
    return (await this.snapshots.get(kindName, id)) as PersistedSnapshot | undefined;
  }

  /** True when `snapshot` is what live actor `kind/id` holds now: nothing has reached it since. */
  isLatest(kindName: string, id: string, snapshot: unknown): boolean {
    return this.#live.get(`${kindName}/${id}`)?.actor.getSnapshot() === snapshot;
  }

  /** True when `kind/id` is live right now (not passivated). */
  isLive(kindName: string, id: string): boolean {
    return this.#live.has(`${kindName}/${id}`);
  }

  /** Ids of the live actors of `kind`. */
  liveIds(kindName: string): string[] {
    return [...(this.#liveByKind.get(kindName)?.values() ?? [])].map((live) => live.id);
  }

  /** Stops and forgets actor `kind/id`, deleting its snapshot together with `alsoWrite` ops. */
  async remove(kindName: string, id: string, alsoWrite: StoreOp[] = []): Promise<void> {
    const key = `${kindName}/${id}`;
    const commit = await this.#mailboxes.run(key, () => {
      const live = this.#live.get(key);
      if (live) this.#evict(live);
      return this.#commits.write([
        this.snapshots.delOp(kindName, id),
        { type: 'del', sublevel: this.#store.sublevel(PINS), key },
        ...alsoWrite,
      ]);
    });
    await commit;
  }

  /** Commits extra writes through the same group commit as snapshots (ordered after earlier sends). */
  write(ops: StoreOp[]): Promise<void> {
    this.#assertOpen();
    return this.#commits.write(ops);
  }

  /** Waits until every delivered event is committed. */
  async flush(): Promise<void> {
    await this.#mailboxes.drain();
    await this.#commits.flush();
  }

  /** Flushes, then stops every live actor. The store stays open for its owner to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    for (const live of [...this.#live.values()]) this.#evict(live);
  }

  #kind(name: string): ActorKind {
    const kind = this.#kinds.get(name);
    if (!kind) throw new TypeError(`Expected a registered actor kind, got \`${name}\``);
    return kind;
  }

  #assertOpen(): void {
    if (this.#closed) throw new PatchbayError('the actor host is shut down', { code: 'STORE_NOT_OPEN' });
  }

  async #activate(
    kind: ActorKind,
    id: string,
    key: string,
    createInput: unknown,
    alsoWrite?: (snapshot: unknown) => StoreOp[],
  ): Promise<LiveActor> {
    const existing = this.#live.get(key);
    if (existing) {
      // Re-insert to keep the maps in least-recently-used order.
      this.#live.delete(key);
      this.#live.set(key, existing);
      const own = this.#liveOfKind(existing.kind);
      own.delete(key);
      own.set(key, existing);
      return existing;
    }
    const persisted = await this.snapshots.get(kind.name, id);
    if (persisted === undefined && createInput === undefined) {
      throw new PatchbayError(`no ${kind.name} ${id}`, {
        code: kind.notFoundCode ?? 'ACTOR_NOT_FOUND',
        details: { kind: kind.name, id },
      });
    }
    const live: LiveActor = {
      key,
      kind,
      id,
      actor: undefined as unknown as RunningActor,
      uncommitted: 0,
      pinned: false,
      delivering: true,
    };
    const pure = this.#pureScopes.get(kind.name);
    if (pure) {
      try {
        live.actor = new PureActor(kind.logic, pure, { snapshot: persisted, input: createInput });
        this.#live.set(key, live);
        this.#liveOfKind(kind).set(key, live);
      } catch (error) {
        live.failed = error;
      }
    } else {
      live.actor = this.#startActor(live, persisted, createInput);
    }
    live.delivering = false;
    if (live.failed) {
      if (live.actor) this.#evict(live);
      throw new PatchbayError(`${kind.name} ${id} failed to start`, {
        code: 'ACTOR_FAILED',
        cause: live.failed,
      });
    }
    if (persisted === undefined && this.#hostInspects(kind))
      this.#noteSnapshot(live, { type: 'xstate.init' }, live.actor.getSnapshot().value);
    live.pinned = persisted !== undefined && (kind.keepAlive?.(live.actor.getSnapshot()) ?? false);
    live.lastPersisted = persisted === undefined ? undefined : live.actor.getSnapshot();
    if (persisted === undefined)
      void this.#persist(live, alsoWrite?.(live.actor.getSnapshot())).catch(() => {});
    this.#passivateIdle();
    return live;
  }

  /** An XState actor for `live`, started, its changes outside sends persisted; sets `live.failed` if it fails. */
  #startActor(live: LiveActor, persisted: unknown, createInput: unknown): Actor<AnyStateMachine> {
    const { kind, key } = live;
    const byXState = this.#inspect && kind.inspection !== 'host';
    const actor = createActor(kind.logic, {
      input: createInput as never,
      snapshot: persisted as never,
      inspect: byXState ? (inspection) => this.#record(live, inspection) : undefined,
    });
    actor.subscribe({
      next: (snapshot) => {
        // Changes outside a send (timers, finished children) are persisted too, with nobody waiting.
        if (!live.delivering && !live.failed && this.#live.get(key) === live) {
          if (this.#hostInspects(kind)) this.#noteSnapshot(live, undefined, snapshot.value);
          void this.#persist(live).catch(() => {});
        }
      },
      error: (error) => {
        live.failed = error;
      },
    });
    this.#live.set(key, live);
    this.#liveOfKind(kind).set(key, live);
    try {
      actor.start();
    } catch (error) {
      live.failed = error;
    }
    return actor;
  }

  #deliver(
    live: LiveActor,
    event: unknown,
    options: SendOptions<AnyStateMachine>,
  ): { snapshot: unknown; commit: Promise<void> } {
    const { before, after } = this.#step(live, event, options);
    const commit =
      after === before ? this.#lastCommit(live) : this.#persist(live, options.alsoWrite?.(after, before));
    return { snapshot: after, commit };
  }

  /** Runs one event through a live actor (checked against `requireAccepted`), without committing. */
  #step(
    live: LiveActor,
    event: unknown,
    options: SendOptions<AnyStateMachine>,
  ): {
    before: ReturnType<Actor<AnyStateMachine>['getSnapshot']>;
    after: ReturnType<Actor<AnyStateMachine>['getSnapshot']>;
  } {
    const before = live.actor.getSnapshot();
    if (options.requireAccepted) {
      let accepted: boolean;
      try {
        accepted = before.can(event as never);
      } catch (error) {
        this.#evict(live);
        throw new PatchbayError(`${live.key} failed`, { code: 'ACTOR_FAILED', cause: error });
      }
      if (!accepted) {
        throw new PatchbayError(this.#refusalMessage(live, event as { type: string }, before.value), {
          code: live.kind.refusedCode ?? 'AGENT_BUSY',
          details: {
            kind: live.kind.name,
            id: live.id,
            event: (event as { type: string }).type,
            state: before.value,
          },
        });
      }
    }
    live.delivering = true;
    try {
      live.actor.send(event as never);
    } finally {
      live.delivering = false;
    }
    const after = live.actor.getSnapshot();
    if (this.#hostInspects(live.kind)) {
      const sent = eventSummary(event as EventSummary);
      this.inspection.append({ kind: live.kind.name, id: live.id, type: 'event', event: sent });
      if (after !== before) this.#noteSnapshot(live, sent, after.value);
    }
    if (live.failed || after.status === 'error') {
      const cause = live.failed ?? after.error;
      this.#evict(live);
      throw new PatchbayError(`${live.key} failed while handling ${(event as { type: string }).type}`, {
        code: 'ACTOR_FAILED',
        cause,
      });
    }
    return { before, after };
  }

  #refusalMessage(live: LiveActor, event: { type: string }, value: unknown): string {
    const described = live.kind.describeRefusal?.(live.actor.getSnapshot() as never, event as never);
    return (
      described ?? `${live.kind.name} ${live.id} in ${JSON.stringify(value)} does not accept ${event.type}`
    );
  }

  #lastCommit(live: LiveActor): Promise<void> {
    // Nothing changed, but an earlier change may still be in flight: wait for its own commit, so an
    // answer based on it is durable, and fails if that write fails (a resend answered 'done' while
    // the original is lost would be worse than an error the agent retries).
    return live.uncommitted > 0 && live.lastCommit ? live.lastCommit : Promise.resolve();
  }

  #persist(live: LiveActor, extra: StoreOp[] = []): Promise<void> {
    const snapshot = live.actor.getPersistedSnapshot();
    const current = live.actor.getSnapshot();
    const ops: StoreOp[] = [this.snapshots.putOp(live.kind.name, live.id, snapshot), ...extra];
    if (live.kind.project) ops.push(...live.kind.project(live.id, current, live.lastPersisted as never));
    live.lastPersisted = current;
    const pinned = live.kind.keepAlive?.(current) ?? false;
    if (pinned !== live.pinned) {
      const pins = this.#store.sublevel(PINS);
      ops.push(
        pinned
          ? { type: 'put', sublevel: pins, key: live.key, value: 1 }
          : { type: 'del', sublevel: pins, key: live.key },
      );
      live.pinned = pinned;
    }
    live.uncommitted++;
    live.lastCommit = this.#commits.write(ops).then(
      () => {
        live.uncommitted--;
        for (const listener of this.#commitListeners) {
          try {
            listener(live.kind.name, live.id, current);
          } catch {
            // A listener's fault is its own; the commit has happened.
          }
        }
        this.#passivateIdle();
      },
      (error) => {
        live.uncommitted--;
        // The in-memory state ran ahead of the store; drop it so the next send reloads what is durable.
        this.#evict(live);
        throw error;
      },
    );
    return live.lastCommit;
  }

  /** Evicts idle actors, least recently used first, while the host or their kind is over its bound. */
  #passivateIdle(): void {
    if (this.#live.size > this.#maxLive) {
      this.#evictIdle(this.#live.values(), () => this.#live.size > this.#maxLive);
    }
    for (const kind of this.#kinds.values()) {
      const bound = kind.maxLive;
      if (bound === undefined) continue;
      // The kind's own map, so that a bound kind never walks past the other kinds' actors.
      const own = this.#liveOfKind(kind);
      if (own.size > bound) this.#evictIdle(own.values(), () => own.size > bound);
    }
  }

  #evictIdle(oldestFirst: Iterable<LiveActor>, over: () => boolean): void {
    for (const live of oldestFirst) {
      if (!over()) break;
      if (live.pinned || live.uncommitted > 0 || this.#mailboxes.isBusy(live.key)) continue;
      this.#evict(live);
    }
  }

  #liveOfKind(kind: ActorKind): Map<string, LiveActor> {
    let own = this.#liveByKind.get(kind.name);
    if (own === undefined) {
      own = new Map();
      this.#liveByKind.set(kind.name, own);
    }
    return own;
  }

  #evict(live: LiveActor): void {
    if (this.#live.get(live.key) === live) this.#live.delete(live.key);
    const own = this.#liveOfKind(live.kind);
    if (own.get(live.key) === live) own.delete(live.key);
    try {
      live.actor.stop();
    } catch {
      // Stopping a failed actor may throw again; it is gone either way.
    }
  }

  #hostInspects(kind: ActorKind): boolean {
    return this.#inspect && (kind.inspection === 'host' || kind.pure === true);
  }

  #noteSnapshot(live: LiveActor, event: { type: string } | undefined, value: unknown): void {
    this.inspection.append({
      kind: live.kind.name,
      id: live.id,
      type: 'snapshot',
      event,
      value: value as never,
    });
  }

  #record(
    live: LiveActor,
    inspection: { type: string; rootId?: string; actorRef: { sessionId: string } },
  ): void {
    if (inspection.actorRef.sessionId !== inspection.rootId) return;
    if (inspection.type === '@xstate.event') {
      const event = (inspection as unknown as { event: { type: string } }).event;
      if (event.type.startsWith('xstate.')) return;
      this.inspection.append({ kind: live.kind.name, id: live.id, type: 'event', event });
    } else if (inspection.type === '@xstate.snapshot') {
      const { snapshot, event } = inspection as unknown as {
        snapshot: { value: unknown };
        event: { type: string };
      };
      this.#noteSnapshot(live, event, snapshot.value);
    }
  }
}

/** A snapshot as stored: plain JSON with at least value, context and status. */
export interface PersistedSnapshot {
  value: unknown;
  context: Record<string, unknown>;
  status: 'active' | 'done' | 'error' | 'stopped';
  [key: string]: unknown;
}
