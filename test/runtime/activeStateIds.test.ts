import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { updateLifecycle } from '../../machines/updateLifecycle.ts';
import { activeStateIds } from '../../src/runtime/activeStateIds.ts';
import { machineGraph } from '../../src/runtime/machineGraph.ts';
import { richMachine } from '../support/richMachine.ts';

const test = suite('activeStateIds');
const graph = machineGraph(updateLifecycle);

test('a fresh update lifecycle is in PreApproval and normal, inside both regions', () => {
  const actor = createActor(updateLifecycle, { input: { updateId: 'u1' } }).start();
  assert.equal(activeStateIds(graph, actor.getSnapshot().value).sort(), [
    'updateLifecycle',
    'updateLifecycle.catalog',
    'updateLifecycle.catalog.priority',
    'updateLifecycle.catalog.priority.normal',
    'updateLifecycle.catalog.state',
    'updateLifecycle.catalog.state.PreApproval',
  ]);
});

test('after MARK_GA the GA state is active and PreApproval is not', () => {
  const actor = createActor(updateLifecycle, { input: { updateId: 'u1' } }).start();
  actor.send({ type: 'MARK_GA', at: '2024-01-01T00:00:00.000Z' });
  const ids = activeStateIds(graph, actor.getSnapshot().value);
  assert.ok(ids.includes('updateLifecycle.catalog.state.GA'));
  assert.not.ok(ids.includes('updateLifecycle.catalog.state.PreApproval'));
});

test('a string value at the root names a top-level state', () => {
  assert.equal(activeStateIds(graph, 'deleted'), ['updateLifecycle', 'updateLifecycle.deleted']);
});

test('custom state ids are found by key, not by path', () => {
  const ids = activeStateIds(machineGraph(richMachine), { working: { watch: 'watching', fetch: 'fetched' } });
  assert.ok(ids.includes('diskWatch'));
});

test('unknown keys are skipped', () => {
  assert.equal(activeStateIds(graph, { gone: 'nowhere' }), ['updateLifecycle']);
});

test.run();
