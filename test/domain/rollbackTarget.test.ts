import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCatalogIndex } from '../../src/domain/catalogIndex.ts';
import { rollbackTarget } from '../../src/domain/rollbackTarget.ts';
import type { Update } from '../../src/domain/update.ts';
import { makeInstalled, makeUpdate } from './catalogFixtures.ts';

const test = suite('rollbackTarget');

const r1 = makeUpdate({ id: 'r1', version: '15.01.00.00' });
const r1p1 = makeUpdate({ id: 'r1p1', version: '15.01.01.00', state: 'Inactive' });
const r1p5 = makeUpdate({ id: 'r1p5', version: '15.01.05.00', state: 'Inactive' });
const r2 = makeUpdate({ id: 'r2', version: '15.02.00.00' });
const r2p1 = makeUpdate({ id: 'r2p1', version: '15.02.01.00', state: 'PreApproval' });
const r2p2 = makeUpdate({ id: 'r2p2', version: '15.02.02.00', state: 'Remove' });

function target(
  updates: Update[],
  removedId: string,
  version: string,
  applied: string[],
): string | undefined {
  const index = buildCatalogIndex(updates);
  const removed = index.updates.get(removedId)!;
  const app = makeInstalled({ version, updates: applied });
  return rollbackTarget(removed, app, index.products.get('U-CLIENT')!);
}

test('without applied history, rolls back to the newest older version not in Remove', () => {
  assert.is(target([r1, r1p1, r2, r2p1, r2p2], 'r2p2', '15.02.02.00', []), r2p1.version);
});

test('with applied history, skips same-release patches the machine never listed', () => {
  assert.is(target([r1, r2, r2p1, r2p2], 'r2p2', '15.02.02.00', ['r2p2']), r2.version);
});

test('with applied history, rolls back to a listed older patch', () => {
  assert.is(target([r1, r2, r2p1, r2p2], 'r2p2', '15.02.02.00', ['r2p1', 'r2p2']), r2p1.version);
});

test('rolls a removed release install back to the previous release', () => {
  const r2Removed = { ...r2, state: 'Remove' as const };
  assert.is(target([r1, r1p5, r2Removed], 'r2', '15.02.00.00', ['r2']), r1p5.version);
});

test('skips older versions that are themselves in Remove', () => {
  const r1p1Removed = { ...r1p1, state: 'Remove' as const };
  const r1p5Removed = { ...r1p5, state: 'Remove' as const };
  assert.is(target([r1, r1p1Removed, r1p5Removed], 'r1p5', '15.01.05.00', []), r1.version);
});

test('answers undefined when nothing older is known', () => {
  const r1Removed = { ...r1, state: 'Remove' as const };
  assert.is(target([r1Removed, r2], 'r1', '15.01.00.00', []), undefined);
});

test.run();
