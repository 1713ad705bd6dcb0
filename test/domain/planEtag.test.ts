import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlanAction } from '../../src/domain/planActions.ts';
import { planEtag } from '../../src/domain/planEtag.ts';

const test = suite('planEtag');

const patch: PlanAction = {
  kind: 'install',
  highPriority: false,
  updateId: 'p2',
  installType: 'Patch',
  version: '15.01.02.00',
  upgradeCode: 'U',
};
const removal: PlanAction = {
  kind: 'remove',
  highPriority: false,
  updateId: 'p1',
  installType: 'Patch',
  version: '15.01.01.00',
  upgradeCode: 'U',
  rollbackTo: '15.01.00.00',
};

test('is a short hex tag', () => {
  assert.match(planEtag([patch]), /^p-[0-9a-f]{16}$/);
});

test('is stable for equal plans, whatever the key order', () => {
  const reordered = Object.fromEntries(Object.entries(patch).reverse()) as unknown as PlanAction;
  assert.is(planEtag([reordered]), planEtag([patch]));
  assert.is(planEtag([patch], { b: 1, a: 2 }), planEtag([{ ...patch }], { a: 2, b: 1 }));
});

test('changes when an action changes', () => {
  assert.is.not(planEtag([patch]), planEtag([{ ...patch, highPriority: true }]));
  assert.is.not(planEtag([patch]), planEtag([{ ...patch, version: '15.01.02.01' }]));
});

test('changes with the order of actions', () => {
  assert.is.not(planEtag([removal, patch]), planEtag([patch, removal]));
});

test('changes with the extra inputs, and differs from no extra', () => {
  assert.is.not(planEtag([patch], { mode: 'automatic' }), planEtag([patch], { mode: 'manual' }));
  assert.is.not(planEtag([patch], { mode: 'automatic' }), planEtag([patch]));
});

test('tags an empty plan', () => {
  assert.is.not(planEtag([]), planEtag([patch]));
  assert.is(planEtag([]), planEtag([]));
});

test.run();
