import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  MARK_EVENT_FOR_STATE,
  readUpdateLifecycle,
  type UpdateLifecycleEvent,
  updateLifecycle,
} from '../../machines/updateLifecycle.ts';
import type { UpdateState } from '../../src/domain/update.ts';

const at = '2026-01-01T00:00:00.000Z';
const test = suite('updateLifecycle');

function actorIn(path: UpdateState[]) {
  const actor = createActor(updateLifecycle, { input: { updateId: 'u1' } }).start();
  for (const state of path) actor.send({ type: MARK_EVENT_FOR_STATE[state], at });
  return actor;
}

function stateOf(actor: ReturnType<typeof actorIn>) {
  return readUpdateLifecycle(actor.getSnapshot().value);
}

test('a new update starts in PreApproval at normal priority', () => {
  assert.equal(stateOf(actorIn([])), { state: 'PreApproval', highPriority: false });
});

// Every (from, to) pair, with the path that reaches `from` and whether the lifecycle allows the move.
const cases: Array<{ path: UpdateState[]; to: UpdateState; allowed: boolean }> = [
  { path: [], to: 'GA', allowed: true },
  { path: [], to: 'Inactive', allowed: true },
  { path: [], to: 'Remove', allowed: false },
  { path: ['GA'], to: 'Inactive', allowed: true },
  { path: ['GA'], to: 'Remove', allowed: true },
  { path: ['GA'], to: 'PreApproval', allowed: true },
  { path: ['Inactive'], to: 'GA', allowed: true },
  { path: ['Inactive'], to: 'PreApproval', allowed: true },
  { path: ['Inactive'], to: 'Remove', allowed: false },
  { path: ['GA', 'Inactive'], to: 'Remove', allowed: true },
  { path: ['GA', 'Remove'], to: 'GA', allowed: true },
  { path: ['GA', 'Remove'], to: 'Inactive', allowed: true },
  { path: ['GA', 'Remove'], to: 'PreApproval', allowed: false },
  { path: ['GA', 'PreApproval'], to: 'Remove', allowed: false },
];

for (const { path, to, allowed } of cases) {
  const from = path.at(-1) ?? 'PreApproval';
  const history = path.length > 1 ? ` (via ${path.slice(0, -1).join(' → ')})` : '';
  test(`${from}${history} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
    const actor = actorIn(path);
    const event: UpdateLifecycleEvent = { type: MARK_EVENT_FOR_STATE[to], at };
    assert.is(actor.getSnapshot().can(event), allowed);
    actor.send(event);
    assert.equal(stateOf(actor), { state: allowed ? to : from, highPriority: false });
  });
}

test('a state never changes to itself (MARK_GA while GA is refused)', () => {
  assert.is(actorIn(['GA']).getSnapshot().can({ type: 'MARK_GA', at }), false);
});

test('high priority is a parallel region that survives state changes', () => {
  const actor = actorIn([]);
  actor.send({ type: 'SET_HIGH_PRIORITY', at });
  actor.send({ type: 'MARK_GA', at });
  assert.equal(stateOf(actor), { state: 'GA', highPriority: true });
  assert.is(actor.getSnapshot().can({ type: 'SET_HIGH_PRIORITY', at }), false);
  actor.send({ type: 'CLEAR_HIGH_PRIORITY', at });
  assert.equal(stateOf(actor), { state: 'GA', highPriority: false });
  assert.is(actor.getSnapshot().can({ type: 'CLEAR_HIGH_PRIORITY', at }), false);
});

for (const [path, allowed] of [
  [[], true],
  [['Inactive'], true],
  [['GA'], false],
  [['GA', 'Remove'], false],
] as Array<[UpdateState[], boolean]>) {
  test(`DELETE in ${path.at(-1) ?? 'PreApproval'} is ${allowed ? 'allowed' : 'refused'}`, () => {
    const actor = actorIn(path);
    assert.is(actor.getSnapshot().can({ type: 'DELETE', at }), allowed);
    actor.send({ type: 'DELETE', at });
    assert.is(actor.getSnapshot().status, allowed ? 'done' : 'active');
    if (allowed) assert.is(readUpdateLifecycle(actor.getSnapshot().value), 'deleted');
  });
}

test('recordTransition keeps the last move and whether the update was ever GA', () => {
  const actor = actorIn(['GA', 'Inactive']);
  const { context } = actor.getSnapshot();
  assert.is(context.wasEverGA, true);
  assert.equal(context.lastTransition, { from: 'GA', to: 'Inactive', at });
});

test('a persisted snapshot restores the same state and history', () => {
  const actor = actorIn(['GA', 'Inactive']);
  const restored = createActor(updateLifecycle, {
    input: { updateId: 'u1' },
    snapshot: actor.getPersistedSnapshot(),
  }).start();
  assert.equal(stateOf(restored), { state: 'Inactive', highPriority: false });
  assert.is(restored.getSnapshot().can({ type: 'MARK_REMOVE', at }), true);
});

test.run();
