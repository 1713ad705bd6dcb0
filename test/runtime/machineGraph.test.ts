import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AnyStateMachine, createMachine, fromPromise } from 'xstate';
import { updateLifecycle } from '../../machines/updateLifecycle.ts';
import { formatDelay, type GraphEdge, machineGraph } from '../../src/runtime/machineGraph.ts';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';
import { richMachine } from '../support/richMachine.ts';

/** A state config as the author wrote it; read here independently of the code under test. */
interface StateConfig {
  id?: string;
  type?: string;
  states?: Record<string, StateConfig>;
  on?: Record<string, unknown>;
  after?: Record<string, unknown>;
  always?: unknown;
  onDone?: unknown;
  invoke?: unknown;
}

interface ConfigTransition {
  sourceId: string;
  trigger: string;
  targetIds: string[];
}

/**
 * Walks the raw config (`machine.config`) — not `machine.root` — and lists every state id and every
 * transition with its resolved targets, so the graph is checked against a second reading.
 */
function readConfig(machine: AnyStateMachine): { stateIds: string[]; transitions: ConfigTransition[] } {
  const stateIds: string[] = [];
  const transitions: ConfigTransition[] = [];
  const asArray = (value: unknown): unknown[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const visit = (config: StateConfig, id: string, parent: { id: string; config: StateConfig } | null) => {
    stateIds.push(id);
    const resolve = (target: string): string => {
      if (target.startsWith('#')) return target.slice(1);
      if (target.startsWith('.')) return childId(config, id, target.slice(1));
      if (!parent) throw new Error(`root cannot target sibling ${target}`);
      return childId(parent.config, parent.id, target);
    };
    const add = (trigger: string, value: unknown) => {
      for (const transition of asArray(value)) {
        const target =
          typeof transition === 'string' ? transition : (transition as { target?: unknown }).target;
        const targetIds = asArray(target).map((t) => resolve(t as string));
        transitions.push({ sourceId: id, trigger, targetIds });
      }
    };
    for (const [event, value] of Object.entries(config.on ?? {})) add(event, value);
    for (const [delay, value] of Object.entries(config.after ?? {})) add(`after:${delay}`, value);
    add('always', config.always);
    add('done.state', config.onDone);
    for (const invoke of asArray(config.invoke) as Array<{ onDone?: unknown; onError?: unknown }>) {
      add('done.actor', invoke.onDone);
      add('error.actor', invoke.onError);
    }
    for (const [key, child] of Object.entries(config.states ?? {})) {
      visit(child, childId(config, id, key), { id, config });
    }
  };
  const root = machine.config as StateConfig;
  visit(root, root.id!, null);
  return { stateIds, transitions };
}

function childId(parentConfig: StateConfig, parentId: string, key: string): string {
  return parentConfig.states?.[key]?.id ?? `${parentId}.${key}`;
}

function edgeTrigger(edge: GraphEdge): string {
  if (edge.kind === 'event') return edge.eventType;
  if (edge.kind === 'after') return `after:${edge.delay}`;
  return edge.kind;
}

const signature = (t: { sourceId: string; targetIds: string[] }, trigger: string) =>
  `${t.sourceId} --${trigger}--> ${[...t.targetIds].sort().join(',')}`;

// Every registered machine, so machines added to the registry later are checked too.
for (const [name, machine] of Object.entries({ ...MACHINES, richMachine })) {
  const test = suite(`machineGraph(${name})`);
  const expected = readConfig(machine);
  const graph = machineGraph(machine);

  test('has exactly one node per state in the config, with the same ids', () => {
    assert.equal(graph.nodes.length, expected.stateIds.length);
    assert.equal(graph.nodes.map((node) => node.id).sort(), [...expected.stateIds].sort());
  });

  test('has exactly one edge per transition in the config, with the same source, trigger and targets', () => {
    assert.equal(graph.edges.length, expected.transitions.length);
    const actual = graph.edges.map((edge) => signature(edge, edgeTrigger(edge))).sort();
    const wanted = expected.transitions.map((t) => signature(t, t.trigger)).sort();
    assert.equal(actual, wanted);
  });

  test('edge ids are unique and every edge endpoint is a node', () => {
    const ids = new Set(graph.nodes.map((node) => node.id));
    assert.is(new Set(graph.edges.map((edge) => edge.id)).size, graph.edges.length);
    for (const edge of graph.edges) {
      assert.ok(ids.has(edge.sourceId), edge.sourceId);
      for (const target of edge.targetIds) assert.ok(ids.has(target), target);
    }
  });

  test('parent and child links agree and the root comes first', () => {
    assert.is(graph.nodes[0]!.id, graph.rootId);
    assert.is(graph.nodes[0]!.parentId, null);
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    for (const node of graph.nodes) {
      for (const childId of node.childIds) assert.is(byId.get(childId)!.parentId, node.id);
    }
  });

  test.run();
}

const lifecycle = suite('machineGraph(updateLifecycle) details');
const lifecycleGraph = machineGraph(updateLifecycle);
const node = (id: string) => lifecycleGraph.nodes.find((candidate) => candidate.id === id)!;

lifecycle('catalog is parallel with the state and priority regions; deleted is final', () => {
  assert.is(node('updateLifecycle.catalog').type, 'parallel');
  assert.equal(node('updateLifecycle.catalog').childIds, [
    'updateLifecycle.catalog.state',
    'updateLifecycle.catalog.priority',
  ]);
  assert.is(node('updateLifecycle.deleted').type, 'final');
});

lifecycle('initial children are recorded for compound states only', () => {
  assert.equal(node('updateLifecycle').initialIds, ['updateLifecycle.catalog']);
  assert.equal(node('updateLifecycle.catalog.state').initialIds, [
    'updateLifecycle.catalog.state.PreApproval',
  ]);
  assert.equal(node('updateLifecycle.catalog').initialIds, []);
});

lifecycle('Inactive → Remove carries the wasEverGA guard and the recordTransition action', () => {
  const edge = lifecycleGraph.edges.find(
    (candidate) =>
      candidate.sourceId === 'updateLifecycle.catalog.state.Inactive' &&
      candidate.eventType === 'MARK_REMOVE',
  )!;
  assert.equal(edge.targetIds, ['updateLifecycle.catalog.state.Remove']);
  assert.is(edge.guard, 'wasEverGA');
  assert.equal(edge.actions, ['recordTransition']);
  assert.is(edge.trigger, 'MARK_REMOVE');
});

lifecycle.run();

const rich = suite('machineGraph(richMachine) details');
const richGraph = machineGraph(richMachine);
const richNode = (id: string) => richGraph.nodes.find((candidate) => candidate.id === id)!;
const richEdge = (sourceId: string, kind: GraphEdge['kind']) =>
  richGraph.edges.filter((edge) => edge.sourceId === sourceId && edge.kind === kind);

rich('after 5000 is labelled "after 5s" and keeps its guard', () => {
  const [edge] = richEdge('rich.idle', 'after');
  assert.is(edge!.delay, 5000);
  assert.is(edge!.trigger, 'after 5s');
  assert.is(edge!.guard, 'isOnline');
});

rich('a named delay keeps its name', () => {
  const [edge] = richEdge('rich.working.fetch.backingOff', 'after');
  assert.is(edge!.delay, 'backoff');
  assert.is(edge!.trigger, 'after backoff');
});

rich('higher-order guards are spelled out', () => {
  const [guarded, fallback] = richGraph.edges.filter((edge) => edge.eventType === 'START');
  assert.is(guarded!.guard, 'isOnline && !canRetry');
  assert.is(fallback!.guard, undefined);
});

rich('invoked actors appear on the node and label their done and error edges', () => {
  assert.equal(richNode('rich.working.fetch.requesting').invokes, [{ id: 'manifest', src: 'fetchManifest' }]);
  assert.is(richEdge('rich.working.fetch.requesting', 'done.actor')[0]!.trigger, 'done: fetchManifest');
  const [error] = richEdge('rich.working.fetch.requesting', 'error.actor');
  assert.is(error!.trigger, 'error: fetchManifest');
  assert.equal(error!.actions, ['logFailure']);
  assert.equal(
    richNode('rich.working.watch').invokes.map((invoke) => invoke.src),
    ['watchDisk'],
  );
});

rich('targetless transitions have no targets and keep their actions', () => {
  const ping = richGraph.edges.find((edge) => edge.eventType === 'PING')!;
  assert.equal(ping.targetIds, []);
  assert.equal(ping.actions, ['bumpTries']);
});

rich('reenter, always, history, final and custom ids are kept', () => {
  const reset = richGraph.edges.find((edge) => edge.eventType === 'RESET')!;
  assert.ok(reset.reenter);
  assert.equal(reset.targetIds, ['diskWatch']);
  assert.is(richEdge('rich.working.watch', 'always')[0]!.trigger, 'always');
  assert.is(richNode('rich.working.watch.resume').type, 'history');
  assert.is(richNode('rich.working.watch.resume').history, 'deep');
  assert.is(richNode('rich.working.fetch.fetched').type, 'final');
  assert.is(richNode('diskWatch').parentId, 'rich.working.watch');
  assert.is(richEdge('rich.working', 'done.state')[0]!.trigger, 'done');
});

rich('inline invoked logic is named inline, not by its generated name', () => {
  const inline = createMachine({
    id: 'inl',
    initial: 'a',
    states: { a: { invoke: { src: fromPromise(async () => 1), onDone: 'b' } }, b: {} },
  });
  const graph = machineGraph(inline);
  assert.equal(graph.nodes.find((node) => node.id === 'inl.a')!.invokes[0]!.src, 'inline');
  assert.is(graph.edges[0]!.trigger, 'done: inline');
});

rich.run();

const delays = suite('formatDelay');

delays('milliseconds, seconds, minutes and hours read naturally', () => {
  assert.equal([500, 5000, 1500, 120_000, 7_200_000].map(formatDelay), ['500ms', '5s', '1.5s', '2m', '2h']);
});

delays.run();
