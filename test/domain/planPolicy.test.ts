import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { heldBackReason, isHeldBack } from '../../src/domain/planPolicy.ts';
import { versionKey } from '../../src/domain/versionKey.ts';
import { makeUpdate } from './catalogFixtures.ts';

const reason = suite('heldBackReason');

const patch = makeUpdate({ id: 'p', version: '15.02.01.00', productLine: 'CIC' });

reason('explains, in the manual’s words, an update newer than the platform version', () => {
  const text = heldBackReason(patch, { platformVersions: { CIC: '15.01.09.00' } });
  assert.type(text, 'string');
  assert.ok(text!.includes('using an earlier version'));
  assert.ok(text!.includes('does not download to client machines'));
  assert.ok(text!.includes('15.01.09.00'));
  assert.ok(text!.includes(patch.version));
});

reason('answers undefined for an update at or below the platform version', () => {
  assert.is(heldBackReason(patch, { platformVersions: { CIC: patch.version } }), undefined);
  assert.is(heldBackReason(patch, { platformVersions: { CIC: '15.03.00.00' } }), undefined);
});

reason('answers undefined when the product line has no platform version', () => {
  assert.is(heldBackReason(patch, { platformVersions: { Dialer: '01.00.00.00' } }), undefined);
});

reason.run();

const held = suite('isHeldBack');

held('compares numerically within the product line only', () => {
  const policy = { platformVersions: { CIC: '15.01.10.00', Dialer: '15.01.01.00' } };
  assert.is(isHeldBack(versionKey('15.01.09.00'), 'CIC', policy), false);
  assert.is(isHeldBack(versionKey('15.01.09.00'), 'Dialer', policy), true);
  assert.is(isHeldBack(versionKey('15.01.10.01'), 'CIC', policy), true);
});

held.run();
