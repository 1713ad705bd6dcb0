import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCatalogIndex, type IndexedUpdate } from '../../src/domain/catalogIndex.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { makeUpdate } from './catalogFixtures.ts';

const test = suite('buildCatalogIndex');

const ids = (list: readonly IndexedUpdate[]) => list.map((entry) => entry.update.id);

const r1 = makeUpdate({ id: 'r1', version: '15.01.00.00' });
const r1p2 = makeUpdate({ id: 'r1p2', version: '15.01.02.00' });
const r1p10 = makeUpdate({ id: 'r1p10', version: '15.01.10.00' });
const r1es = makeUpdate({ id: 'r1es', version: '15.01.10.02', installType: 'ES' });
const r2 = makeUpdate({ id: 'r2', version: '15.02.00.00' });
const pre = makeUpdate({ id: 'pre', version: '15.02.01.00', state: 'PreApproval' });
const inactive = makeUpdate({ id: 'inactive', version: '15.01.01.00', state: 'Inactive' });
const removed = makeUpdate({ id: 'removed', version: '15.01.03.00', state: 'Remove' });
const server = makeUpdate({ id: 'srv', version: '16.01.00.00', upgradeCode: 'U-SRV' });
const all = [r1p10, r2, pre, r1, removed, r1es, inactive, r1p2, server];

test('groups GA updates by upgrade code and release, oldest first', () => {
  const product = buildCatalogIndex(all).products.get('U-CLIENT')!;
  assert.equal(
    product.releases.map((release) => release.release),
    [150001, 150002],
  );
  const [first, second] = product.releases;
  assert.equal(ids(first!.installs), ['r1']);
  assert.equal(ids(first!.patches), ['r1p2', 'r1p10']);
  assert.equal(ids(first!.specials), ['r1es']);
  assert.equal(ids(second!.installs), ['r2']);
  assert.equal(ids(second!.patches), []);
});

test('keeps PreApproval, Inactive and Remove updates out of the offerable releases', () => {
  const product = buildCatalogIndex([pre, inactive, removed]).products.get('U-CLIENT')!;
  assert.equal(product.releases, []);
});

test('lists Remove-state updates by id and per product', () => {
  const index = buildCatalogIndex(all);
  assert.equal([...index.removals.keys()], ['removed']);
  assert.equal(ids(index.products.get('U-CLIENT')!.removals), ['removed']);
  assert.equal(ids(index.products.get('U-SRV')!.removals), []);
});

test('lists rollback candidates newest first, leaving out Remove-state updates', () => {
  const product = buildCatalogIndex(all).products.get('U-CLIENT')!;
  assert.equal(ids(product.rollbackCandidates), ['pre', 'r2', 'r1es', 'r1p10', 'r1p2', 'inactive', 'r1']);
});

test('holds every update by id, whatever its state', () => {
  const index = buildCatalogIndex(all);
  assert.is(index.updates.size, all.length);
  for (const update of all) assert.is(index.updates.get(update.id)!.update, update);
});

test('answers undefined for an unknown upgrade code or id', () => {
  const index = buildCatalogIndex(all);
  assert.is(index.products.get('U-NONE'), undefined);
  assert.is(index.updates.get('none'), undefined);
});

test('does not depend on the order of its input', () => {
  const twin = makeUpdate({ id: 'a-twin', version: '15.01.02.00' });
  const forward = buildCatalogIndex([...all, twin]);
  const backward = buildCatalogIndex([twin, ...all].reverse());
  const shape = (index: typeof forward) =>
    [...index.products.values()].map((product) => ({
      code: product.upgradeCode,
      releases: product.releases.map((release) => [
        ids(release.installs),
        ids(release.patches),
        ids(release.specials),
      ]),
      rollback: ids(product.rollbackCandidates),
    }));
  assert.equal(
    shape(backward).sort((a, b) => a.code.localeCompare(b.code)),
    shape(forward).sort((a, b) => a.code.localeCompare(b.code)),
  );
  assert.equal(ids(forward.products.get('U-CLIENT')!.releases[0]!.patches), ['a-twin', 'r1p2', 'r1p10']);
});

test('pre-parses versions into numeric keys', () => {
  const entry = buildCatalogIndex([r1es]).updates.get('r1es')!;
  assert.equal(
    { release: entry.key.release, patch: entry.key.patch, rank: entry.key.rank },
    {
      release: 15 * 10_000 + 1,
      patch: 10,
      rank: 10 * 1_000_000 + 2,
    },
  );
});

test('throws TypeError on a duplicate id', () => {
  assert.throws(() => buildCatalogIndex([r1, { ...r1p2, id: 'r1' }]), TypeError);
});

test('throws INVALID_VERSION on a malformed version', () => {
  try {
    buildCatalogIndex([{ ...r1, version: '15.01' }]);
    assert.unreachable('expected a PatchbayError');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'INVALID_VERSION'));
  }
});

test('builds an index of an empty catalog', () => {
  const index = buildCatalogIndex([]);
  assert.is(index.products.size, 0);
  assert.is(index.updates.size, 0);
  assert.is(index.removals.size, 0);
});

test.run();
