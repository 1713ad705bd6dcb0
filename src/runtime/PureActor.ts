import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventObject,
} from 'xstate';

/** What the actor host asks of a live actor, whether an XState `Actor` or a {@link PureActor}. */
export interface RunningActor {
  getSnapshot(): AnyMachineSnapshot;
  getPersistedSnapshot(): unknown;
  send(event: EventObject): void;
  stop(): void;
}

/**
 * The scope a kind's pure actors share: XState's inert scope (what its own pure `transition()`
 * helper builds on every call), made once. Actions that need a running actor (sending, spawning,
 * delays, stopping a child) come to `defer` and fail the actor instead of silently doing nothing.
 */
export function pureScope(logic: AnyStateMachine): AnyActorScope {
  const self = createActor(logic);
  const refuse = () => {
    throw new TypeError(
      `machine ${logic.id} sent, spawned or delayed something, which needs a running actor: give its kind \`pure: false\``,
    );
  };
  return {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    logger: () => {},
    defer: refuse,
    stopChild: refuse,
    emit: () => {},
    actionExecutor: (action) => {
      // Plain function actions run as an actor would run them; built-ins that need one went to defer.
      action.exec?.(action.info, action.params);
    },
  } as AnyActorScope;
}

/**
 * One actor of a machine without children or timers, held as a value: its snapshot, advanced by
 * the machine's own `transition` (the function XState's `Actor` calls), restored by its
 * `restoreSnapshot` and persisted by its `getPersistedSnapshot`. Same snapshots, same persisted
 * JSON, none of an `Actor`'s machinery (system, mailbox, observers, start and stop), which cost the
 * actor host more than the transition itself for a kind activated once per burst of events
 * (docs/performance.md, "Machines run as values").
 *
 * Like an `Actor`, an event that throws leaves the actor in status `error` with the error, and a
 * snapshot that is not active takes no more events.
 *
 * @example const actor = new PureActor(fleetMember, pureScope(fleetMember), { snapshot: persisted })
 */
export class PureActor implements RunningActor {
  readonly #logic: AnyStateMachine;
  readonly #scope: AnyActorScope;
  #snapshot: AnyMachineSnapshot;

  /** Restores `snapshot` (persisted JSON) or, without one, starts from `input`; throws if that fails. */
  constructor(logic: AnyStateMachine, scope: AnyActorScope, from: { snapshot?: unknown; input?: unknown }) {
    this.#logic = logic;
    this.#scope = scope;
    this.#snapshot =
      from.snapshot === undefined
        ? logic.getInitialSnapshot(scope, from.input)
        : logic.restoreSnapshot(from.snapshot as never, scope);
  }

  getSnapshot(): AnyMachineSnapshot {
    return this.#snapshot;
  }

  getPersistedSnapshot(): unknown {
    return this.#logic.getPersistedSnapshot(this.#snapshot);
  }

  send(event: EventObject): void {
    if (this.#snapshot.status !== 'active') return;
    try {
      this.#snapshot = this.#logic.transition(this.#snapshot, event, this.#scope);
    } catch (error) {
      this.#snapshot = { ...this.#snapshot, status: 'error', error } as AnyMachineSnapshot;
    }
  }

  stop(): void {
    // Nothing runs between events, so there is nothing to stop.
  }
}
