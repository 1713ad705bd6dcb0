import type { AnyStateMachine } from 'xstate';

/** What kind of state a node is, as XState v5 names it. */
export type StateNodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state of a machine, flattened out of the state tree. */
export interface GraphNode {
  /** The XState state-node id (`machineId.path.to.state`, or the custom `id:` of the config). */
  id: string;
  /** The key under its parent's `states`; the machine id for the root. */
  key: string;
  /** The parent's id; `null` for the root. */
  parentId: string | null;
  type: StateNodeType;
  /** Children in document order. */
  childIds: string[];
  /** The initial child (or children, for a deep initial target) of a compound state; empty otherwise. */
  initialIds: string[];
  /** `shallow` or `deep` for a history state. */
  history?: 'shallow' | 'deep';
  /** Actors invoked while the state is active: the invoke id and the logic's registered name. */
  invokes: Array<{ id: string; src: string }>;
  /** Names of the entry and exit actions, XState's own (`xstate.raise` for delays …) left out. */
  entry: string[];
  exit: string[];
  tags: string[];
  description?: string;
}

/** How an edge came to be, which decides how it is labelled. */
export type GraphEdgeKind = 'event' | 'after' | 'always' | 'done.actor' | 'error.actor' | 'done.state';

/**
 * One transition. A transition with no target (`targetIds` empty) only runs actions and stays put;
 * `reenter` is XState v5's flag: true exits and re-enters the source when the target is inside it.
 */
export interface GraphEdge {
  /** Unique in the graph: `source|eventType|index among the source's transitions for that event`. */
  id: string;
  sourceId: string;
  targetIds: string[];
  /** The XState event type (`MARK_GA`, `xstate.after.5000.m.a`, `''` for `always`). */
  eventType: string;
  kind: GraphEdgeKind;
  /** A short human label for the trigger: `MARK_GA`, `after 5s`, `always`, `done: fetcher`. */
  trigger: string;
  /** The guard's name (`wasEverGA`, `a && !b`, `in(#m.x)`), if any. */
  guard?: string;
  /** The `after` delay: milliseconds or the name of a delay in `setup({ delays })`. */
  delay?: number | string;
  actions: string[];
  reenter: boolean;
}

/** A machine as plain data: every state and every transition, for layout, JSON and tests. */
export interface MachineGraph {
  machineId: string;
  rootId: string;
  /** Depth-first, in document order; the root first. */
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The parts of an XState StateNode this module reads (the public class hides some of them). */
interface StateNodeLike {
  id: string;
  key: string;
  type: StateNodeType;
  parent?: StateNodeLike;
  states: Record<string, StateNodeLike>;
  history: false | 'shallow' | 'deep';
  initial?: { target: StateNodeLike[] };
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  invoke: Array<{ id: string; src: unknown }>;
  entry: unknown[];
  exit: unknown[];
  tags: string[];
  description?: string;
}

interface TransitionLike {
  eventType: string;
  target?: StateNodeLike[];
  guard?: unknown;
  delay?: number | string;
  actions: unknown[];
  reenter: boolean;
}

/**
 * Converts a machine into a graph: one node per state node, one edge per transition definition
 * (each guarded alternative, each `after`, `always`, `onDone` and `onError` is its own edge).
 * It walks `machine.root`, not `machine.toJSON()`, because the JSON definition leaves out `always`.
 *
 * @example machineGraph(updateLifecycle).nodes.map((node) => node.id)
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root as unknown as StateNodeLike;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const visit = (stateNode: StateNodeLike): void => {
    nodes.push(toGraphNode(stateNode));
    const invokeSrcById = new Map(stateNode.invoke.map((invoke) => [invoke.id, srcName(invoke.src)]));
    for (const transitions of stateNode.transitions.values()) {
      transitions.forEach((transition, index) => {
        edges.push(toGraphEdge(stateNode.id, transition, index, invokeSrcById));
      });
    }
    (stateNode.always ?? []).forEach((transition, index) => {
      edges.push(toGraphEdge(stateNode.id, transition, index, invokeSrcById));
    });
    for (const child of Object.values(stateNode.states)) visit(child);
  };
  visit(root);
  return { machineId: machine.id, rootId: root.id, nodes, edges };
}

function toGraphNode(stateNode: StateNodeLike): GraphNode {
  const node: GraphNode = {
    id: stateNode.id,
    key: stateNode.key,
    parentId: stateNode.parent?.id ?? null,
    type: stateNode.type,
    childIds: Object.values(stateNode.states).map((child) => child.id),
    initialIds: stateNode.type === 'compound' ? (stateNode.initial?.target ?? []).map((t) => t.id) : [],
    invokes: stateNode.invoke.map((invoke) => ({ id: invoke.id, src: srcName(invoke.src) })),
    entry: actionNames(stateNode.entry),
    exit: actionNames(stateNode.exit),
    tags: [...stateNode.tags],
  };
  if (stateNode.history) node.history = stateNode.history;
  if (stateNode.description) node.description = stateNode.description;
  return node;
}

function toGraphEdge(
  sourceId: string,
  transition: TransitionLike,
  index: number,
  invokeSrcById: Map<string, string>,
): GraphEdge {
  const { eventType } = transition;
  const kind = edgeKind(eventType);
  const edge: GraphEdge = {
    id: `${sourceId}|${eventType}|${index}`,
    sourceId,
    targetIds: (transition.target ?? []).map((target) => target.id),
    eventType,
    kind,
    trigger: triggerLabel(kind, eventType, transition.delay, invokeSrcById),
    actions: actionNames(transition.actions),
    reenter: transition.reenter,
  };
  const guard = guardName(transition.guard);
  if (guard !== undefined) edge.guard = guard;
  if (transition.delay !== undefined) edge.delay = transition.delay;
  return edge;
}

function edgeKind(eventType: string): GraphEdgeKind {
  if (eventType === '') return 'always';
  if (eventType.startsWith('xstate.after.')) return 'after';
  if (eventType.startsWith('xstate.done.actor.')) return 'done.actor';
  if (eventType.startsWith('xstate.error.actor.')) return 'error.actor';
  if (eventType.startsWith('xstate.done.state.')) return 'done.state';
  return 'event';
}

function triggerLabel(
  kind: GraphEdgeKind,
  eventType: string,
  delay: number | string | undefined,
  invokeSrcById: Map<string, string>,
): string {
  switch (kind) {
    case 'always':
      return 'always';
    case 'after':
      return `after ${formatDelay(delay ?? '?')}`;
    case 'done.actor': {
      const invokeId = eventType.slice('xstate.done.actor.'.length);
      return `done: ${invokeSrcById.get(invokeId) ?? invokeId}`;
    }
    case 'error.actor': {
      const invokeId = eventType.slice('xstate.error.actor.'.length);
      return `error: ${invokeSrcById.get(invokeId) ?? invokeId}`;
    }
    case 'done.state':
      return 'done';
    default:
      return eventType;
  }
}

/**
 * A delay as people read it: `500ms`, `5s`, `1.5s`, `2m`, `1h`; a named delay stays its name.
 *
 * @example formatDelay(5000) // '5s'
 */
export function formatDelay(delay: number | string): string {
  if (typeof delay === 'string') return delay;
  if (delay < 1000) return `${delay}ms`;
  if (delay < 60_000) return `${round(delay / 1000)}s`;
  if (delay < 3_600_000) return `${round(delay / 60_000)}m`;
  return `${round(delay / 3_600_000)}h`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A readable name for an invoked actor's logic: its registered name, or `inline` for inline logic. */
function srcName(src: unknown): string {
  // XState names inline logic `xstate.invoke.<index>.<state id>`: noise on a chart.
  if (typeof src === 'string' && !src.startsWith('xstate.invoke.')) return src;
  return 'inline';
}

/** Names of actions, leaving out the ones XState adds on its own to implement `after` and `invoke`. */
function actionNames(actions: unknown[]): string[] {
  const names: string[] = [];
  for (const action of actions) {
    const name = actionName(action);
    if (name === 'xstate.raise' || name === 'xstate.cancel') continue;
    names.push(name);
  }
  return names;
}

function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const builtIn = (action as { type?: unknown }).type;
    if (typeof builtIn === 'string') return builtIn;
    return action.name || 'inline';
  }
  if (action && typeof action === 'object' && typeof (action as { type?: unknown }).type === 'string') {
    return (action as { type: string }).type;
  }
  return 'inline';
}

/** A guard's name; higher-order guards (`and`, `or`, `not`, `stateIn`) are spelled out. */
function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const higherOrder = guard as { check?: { name?: string }; guards?: unknown[]; stateValue?: unknown };
    const parts = (higherOrder.guards ?? []).map((inner) => guardName(inner) ?? '?');
    switch (higherOrder.check?.name) {
      case 'checkAnd':
        return parts.map(parenthesize).join(' && ');
      case 'checkOr':
        return parts.map(parenthesize).join(' || ');
      case 'checkNot':
        return `!${parenthesize(parts[0] ?? '?')}`;
      case 'checkStateIn': {
        const { stateValue } = higherOrder;
        return `in(${typeof stateValue === 'string' ? stateValue : JSON.stringify(stateValue)})`;
      }
      default:
        return guard.name || 'inline';
    }
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') {
    return (guard as { type: string }).type;
  }
  return 'inline';
}

function parenthesize(name: string): string {
  return name.includes(' ') ? `(${name})` : name;
}
