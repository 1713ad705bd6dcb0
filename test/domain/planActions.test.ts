import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCatalogIndex } from '../../src/domain/catalogIndex.ts';
import type { InstalledApplication } from '../../src/domain/fleet.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { type PlanAction, planActions } from '../../src/domain/planActions.ts';
import type { PlanPolicy } from '../../src/domain/planPolicy.ts';
import type { Update } from '../../src/domain/update.ts';
import { GROUP, makeInstalled, makeUpdate } from './catalogFixtures.ts';

const OPEN: PlanPolicy = { platformVersions: {} };

function plan(installed: InstalledApplication[], updates: Update[], policy: PlanPolicy = OPEN): PlanAction[] {
  return planActions(installed, buildCatalogIndex(updates), GROUP, policy);
}

function ids(actions: PlanAction[]): string[] {
  return actions.map((action) => action.updateId);
}

// Release 2015 R1 and 2015 R2 of the Client product.
const r1 = makeUpdate({ id: 'r1', version: '15.01.00.00' });
const r1p1 = makeUpdate({ id: 'r1p1', version: '15.01.01.00' });
const r1p2 = makeUpdate({ id: 'r1p2', version: '15.01.02.07' });
const r1p10 = makeUpdate({ id: 'r1p10', version: '15.01.10.00' });
const r2 = makeUpdate({ id: 'r2', version: '15.02.00.00' });
const r2p1 = makeUpdate({ id: 'r2p1', version: '15.02.01.00' });
const r2p2 = makeUpdate({ id: 'r2p2', version: '15.02.02.00' });
const r2p1es = makeUpdate({ id: 'r2p1es', version: '15.02.01.05', installType: 'ES' });
const r2p2es = makeUpdate({ id: 'r2p2es', version: '15.02.02.03', installType: 'ES' });
const r2p2es2 = makeUpdate({ id: 'r2p2es2', version: '15.02.02.04', installType: 'ES' });

const onR1 = makeInstalled({ version: '15.01.00.00' });

const offering = suite('planActions offering');

offering('offers a GA patch newer than the installed version', () => {
  const actions = plan([onR1], [r1, r1p1]);
  assert.equal(actions, [
    {
      kind: 'install',
      highPriority: false,
      updateId: 'r1p1',
      installType: 'Patch',
      version: '15.01.01.00',
      upgradeCode: 'U-CLIENT',
    },
  ]);
});

offering('never offers PreApproval or Inactive updates', () => {
  const pre = makeUpdate({ id: 'pre', version: '15.01.03.00', state: 'PreApproval' });
  const inactive = makeUpdate({ id: 'inactive', version: '15.01.04.00', state: 'Inactive' });
  const preRelease = makeUpdate({ id: 'pre-r2', version: '15.02.00.00', state: 'PreApproval' });
  assert.equal(ids(plan([onR1], [r1, r1p1, pre, inactive, preRelease])), ['r1p1']);
});

offering('never offers an update in the Remove state', () => {
  const removed = makeUpdate({ id: 'gone', version: '15.01.03.00', state: 'Remove' });
  assert.equal(ids(plan([onR1], [r1, removed])), []);
});

offering('offers the release Install, its latest GA Patch and that patch’s GA ESs in one check', () => {
  const actions = plan([onR1], [r1, r2, r2p1, r2p1es, r2p2, r2p2es, r2p2es2]);
  assert.equal(ids(actions), ['r2', 'r2p2', 'r2p2es', 'r2p2es2']);
  assert.equal(
    actions.map((action) => action.installType),
    ['Install', 'Patch', 'ES', 'ES'],
  );
});

offering('offers only the latest GA patch of a release, never an older one', () => {
  assert.equal(ids(plan([onR1], [r1, r1p1, r1p2])), ['r1p2']);
});

offering('never offers a patch older than the installed one', () => {
  const onP10 = makeInstalled({ version: '15.01.10.00' });
  assert.equal(ids(plan([onP10], [r1, r1p2])), []);
});

offering('compares versions numerically, so Patch10 beats Patch2', () => {
  const onP2 = makeInstalled({ version: '15.01.02.07' });
  assert.equal(ids(plan([onP2], [r1, r1p10, r1p2])), ['r1p10']);
});

offering('does not offer an update whose version is already installed', () => {
  const onP2 = makeInstalled({ version: '15.01.02.07' });
  assert.equal(ids(plan([onP2], [r1, r1p1, r1p2])), []);
});

offering('does not offer an update the machine lists as applied', () => {
  const applied = makeInstalled({ version: '15.01.00.00', updates: ['r1p2'] });
  assert.equal(ids(plan([applied], [r1, r1p2])), []);
});

offering('offers only the ESs of the patch the machine ends on', () => {
  const onR2 = makeInstalled({ version: '15.02.00.00' });
  assert.equal(ids(plan([onR2], [r2, r2p1, r2p1es, r2p2, r2p2es])), ['r2p2', 'r2p2es']);
});

offering('offers an ES of the machine’s own patch when no newer patch is GA', () => {
  const onR2p2 = makeInstalled({ version: '15.02.02.00' });
  assert.equal(ids(plan([onR2p2], [r2, r2p2, r2p2es])), ['r2p2es']);
});

offering('offers an ES on top of the release install when the release has no GA patch', () => {
  const installEs = makeUpdate({ id: 'r2es', version: '15.02.00.02', installType: 'ES' });
  const onR2 = makeInstalled({ version: '15.02.00.00' });
  assert.equal(ids(plan([onR2], [r2, installEs, r2p1es])), ['r2es']);
});

offering('does not offer an ES already applied or not above the installed version', () => {
  const onEs = makeInstalled({ version: '15.02.02.03', updates: ['r2p2es'] });
  assert.equal(ids(plan([onEs], [r2, r2p2, r2p2es, r2p2es2])), ['r2p2es2']);
  const listed = makeInstalled({ version: '15.02.02.00', updates: ['r2p2es2'] });
  assert.equal(ids(plan([listed], [r2, r2p2, r2p2es, r2p2es2])), ['r2p2es']);
});

offering('moves to the newest release with a GA Install, skipping older newer releases', () => {
  const r3 = makeUpdate({ id: 'r3', version: '15.03.00.00' });
  assert.equal(ids(plan([onR1], [r1, r1p1, r2, r2p1, r3])), ['r3']);
});

offering('returns no actions for an empty inventory', () => {
  assert.equal(plan([], [r1, r1p1]), []);
});

offering.run();

const removal = suite('planActions removal');

removal('removes an applied update now in Remove, rolling back to the version before it', () => {
  const p2Removed = { ...r1p2, state: 'Remove' as const };
  const machine = makeInstalled({ version: '15.01.02.07', updates: ['r1p1', 'r1p2'] });
  const actions = plan([machine], [r1, r1p1, p2Removed]);
  assert.equal(actions, [
    {
      kind: 'remove',
      highPriority: false,
      updateId: 'r1p2',
      installType: 'Patch',
      version: '15.01.02.07',
      upgradeCode: 'U-CLIENT',
      rollbackTo: '15.01.01.00',
    },
  ]);
});

removal('removes the installed version in Remove even when the agent lists no applied updates', () => {
  const p2Removed = { ...r1p2, state: 'Remove' as const };
  const machine = makeInstalled({ version: '15.01.02.07' });
  const actions = plan([machine], [r1, r1p1, p2Removed]);
  assert.equal(ids(actions), ['r1p2']);
  assert.is(actions[0]!.rollbackTo, '15.01.01.00');
});

removal('does not remove a Remove-state update the machine never had', () => {
  const p1Removed = { ...r1p1, state: 'Remove' as const };
  const machine = makeInstalled({ version: '15.01.02.07' });
  assert.equal(ids(plan([machine], [r1, p1Removed, r1p2])), []);
});

removal('rolls back past versions that are themselves in Remove', () => {
  const p2Removed = { ...r1p2, state: 'Remove' as const };
  const es = makeUpdate({ id: 'es', version: '15.01.02.09', installType: 'ES', state: 'Remove' });
  const machine = makeInstalled({ version: '15.01.02.09', updates: ['r1p1', 'r1p2', 'es'] });
  const actions = plan([machine], [r1, r1p1, p2Removed, es]);
  assert.equal(ids(actions), ['es', 'r1p2']);
  assert.equal(
    actions.map((action) => action.rollbackTo),
    ['15.01.01.00', '15.01.01.00'],
  );
});

removal('gives no rollback target when nothing older is known: the product is uninstalled', () => {
  const r1Removed = { ...r1, state: 'Remove' as const };
  const actions = plan([onR1], [r1Removed, r1p1]);
  assert.equal(ids(actions), ['r1']);
  assert.is(actions[0]!.rollbackTo, undefined);
  assert.not.ok('rollbackTo' in actions[0]!);
});

removal('offers the GA patch above the rollback target in the same plan', () => {
  const p10Removed = { ...r1p10, state: 'Remove' as const };
  const machine = makeInstalled({ version: '15.01.10.00', updates: ['r1p10'] });
  const actions = plan([machine], [r1, r1p2, p10Removed]);
  assert.equal(ids(actions), ['r1p10', 'r1p2']);
  assert.equal(
    actions.map((action) => [action.kind, action.rollbackTo]),
    [
      ['remove', '15.01.00.00'],
      ['install', undefined],
    ],
  );
});

removal('ignores a Remove-state id of another product in the applied list', () => {
  const other = makeUpdate({ id: 'other', version: '15.01.05.00', upgradeCode: 'U-OTHER', state: 'Remove' });
  const machine = makeInstalled({ version: '15.01.01.00', updates: ['other'] });
  assert.equal(ids(plan([machine], [r1, r1p1, other])), []);
});

removal.run();

const holdBack = suite('planActions platform version');

holdBack('holds back an update newer than its product line’s platform version', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.01.01.00' } };
  assert.equal(ids(plan([onR1], [r1, r1p2], policy)), []);
});

holdBack('offers an update equal to the platform version', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.01.02.07' } };
  assert.equal(ids(plan([onR1], [r1, r1p2], policy)), ['r1p2']);
});

holdBack('falls back to the newest GA patch that is not held back', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.01.05.00' } };
  assert.equal(ids(plan([onR1], [r1, r1p1, r1p2, r1p10], policy)), ['r1p2']);
});

holdBack('holds nothing back for a product line without a platform version', () => {
  const policy: PlanPolicy = { platformVersions: { Dialer: '10.00.00.00' } };
  assert.equal(ids(plan([onR1], [r1, r1p2], policy)), ['r1p2']);
});

holdBack('stays on the machine’s release when the newer release Install is held back', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.01.99.00' } };
  assert.equal(ids(plan([onR1], [r1, r1p2, r2, r2p1], policy)), ['r1p2']);
});

holdBack('holds back an ES newer than the platform version while offering its patch', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.02.02.03' } };
  const onR2 = makeInstalled({ version: '15.02.00.00' });
  assert.equal(ids(plan([onR2], [r2, r2p2, r2p2es, r2p2es2], policy)), ['r2p2', 'r2p2es']);
});

holdBack.run();

const related = suite('planActions related installs');

const dialer = makeUpdate({ id: 'dialer', version: '15.02.00.00', upgradeCode: 'U-DIALER' });
const dialerP1 = makeUpdate({ id: 'dialer-p1', version: '15.02.01.00', upgradeCode: 'U-DIALER' });
const withRelated = { ...r1p1, relatedInstalls: ['dialer'] };

related('pushes a related install with the update it hangs on when the machine lacks that product', () => {
  const actions = plan([onR1], [r1, withRelated, dialer, dialerP1]);
  assert.equal(ids(actions), ['dialer', 'r1p1', 'dialer-p1']);
  const byId = new Map(actions.map((action) => [action.updateId, action]));
  assert.is(byId.get('dialer')!.relatedTo, 'r1p1');
  assert.is(byId.get('dialer-p1')!.relatedTo, 'r1p1');
  assert.is(byId.get('r1p1')!.relatedTo, undefined);
});

related('does not push a related install when the machine has that product', () => {
  const hasDialer = makeInstalled({ version: '15.02.00.00', upgradeCode: 'U-DIALER' });
  assert.equal(ids(plan([onR1, hasDialer], [r1, withRelated, dialer])), ['r1p1']);
});

related('offers an older installed related product its upgrade, not a related install', () => {
  const oldDialer = makeInstalled({ version: '14.00.00.00', upgradeCode: 'U-DIALER' });
  const actions = plan([onR1, oldDialer], [r1, withRelated, dialer]);
  assert.equal(ids(actions), ['dialer', 'r1p1']);
  assert.is(actions[0]!.relatedTo, undefined);
});

related('does not push a related install that is not GA', () => {
  for (const state of ['PreApproval', 'Inactive', 'Remove'] as const) {
    const actions = plan([onR1], [r1, withRelated, { ...dialer, state }]);
    assert.equal(ids(actions), ['r1p1'], state);
  }
});

related('does not push a related install when the update it hangs on is not offered', () => {
  const onP1 = makeInstalled({ version: '15.01.01.00' });
  assert.equal(ids(plan([onP1], [r1, withRelated, dialer])), []);
});

related('ignores a related id that is unknown or not a release Install', () => {
  const patchOnly = makeUpdate({ id: 'dp', version: '15.02.01.00', upgradeCode: 'U-X' });
  const pointing = { ...r1p1, relatedInstalls: ['missing', 'dp'] };
  assert.equal(ids(plan([onR1], [r1, pointing, patchOnly])), ['r1p1']);
});

related('does not push a related install held back by the platform version', () => {
  const policy: PlanPolicy = { platformVersions: { CIC: '15.01.99.00' } };
  assert.equal(ids(plan([onR1], [r1, withRelated, dialer], policy)), ['r1p1']);
});

related('pushes a related install named by two offered updates once, hung on the first in plan order', () => {
  const server = makeUpdate({ id: 'srv', version: '15.01.00.00', upgradeCode: 'U-SRV' });
  const serverP1 = makeUpdate({
    id: 'srv-p1',
    version: '15.01.01.00',
    upgradeCode: 'U-SRV',
    relatedInstalls: ['dialer'],
  });
  const onServer = makeInstalled({ version: '15.01.00.00', upgradeCode: 'U-SRV' });
  const updates = [r1, withRelated, server, serverP1, dialer];
  const forward = plan([onR1, onServer], updates);
  const backward = plan([onServer, onR1], updates);
  assert.equal(forward, backward);
  assert.equal(
    forward.filter((action) => action.updateId === 'dialer').map((action) => action.relatedTo),
    ['r1p1'],
  );
});

related('follows the related installs of a related install, without looping', () => {
  const a = makeUpdate({ id: 'a', version: '15.02.00.00', upgradeCode: 'U-A', relatedInstalls: ['b'] });
  const b = makeUpdate({ id: 'b', version: '15.02.00.00', upgradeCode: 'U-B', relatedInstalls: ['a', 'r1'] });
  const start = { ...r1p1, relatedInstalls: ['a'] };
  const actions = plan([onR1], [r1, start, a, b]);
  assert.equal(ids(actions), ['a', 'b', 'r1p1']);
  assert.equal(
    actions.map((action) => action.relatedTo),
    ['r1p1', 'a', undefined],
  );
});

related('offers no related install when installs are not allowed', () => {
  assert.equal(plan([onR1], [r1, withRelated, dialer], { platformVersions: {}, updatesAllowed: false }), []);
});

related.run();

const ordering = suite('planActions ordering and priority');

ordering('puts removals first, then Install, Patch, ES', () => {
  const server = makeUpdate({ id: 'srv-p3', version: '16.01.03.00', upgradeCode: 'U-SRV', state: 'Remove' });
  const serverP2 = makeUpdate({
    id: 'srv-p2',
    version: '16.01.02.00',
    upgradeCode: 'U-SRV',
    state: 'Inactive',
  });
  const onServer = makeInstalled({ version: '16.01.03.00', upgradeCode: 'U-SRV' });
  const actions = plan([onR1, onServer], [r1, r2, r2p2, r2p2es, serverP2, server]);
  assert.equal(
    actions.map((action) => [action.kind, action.installType]),
    [
      ['remove', 'Patch'],
      ['install', 'Install'],
      ['install', 'Patch'],
      ['install', 'ES'],
    ],
  );
});

ordering('removes the newest first, and installs oldest first within a kind', () => {
  const aRemoved = makeUpdate({ id: 'a-p1', version: '15.01.01.00', upgradeCode: 'U-A', state: 'Remove' });
  const bRemoved = makeUpdate({ id: 'b-p1', version: '16.01.01.00', upgradeCode: 'U-B', state: 'Remove' });
  const cInstall = makeUpdate({ id: 'c', version: '17.01.00.00', upgradeCode: 'U-C' });
  const dInstall = makeUpdate({ id: 'd', version: '16.01.00.00', upgradeCode: 'U-D' });
  const machine = [
    makeInstalled({ version: '15.01.01.00', upgradeCode: 'U-A' }),
    makeInstalled({ version: '16.01.01.00', upgradeCode: 'U-B' }),
    makeInstalled({ version: '14.01.00.00', upgradeCode: 'U-C' }),
    makeInstalled({ version: '14.01.00.00', upgradeCode: 'U-D' }),
  ];
  assert.equal(ids(plan(machine, [aRemoved, bRemoved, cInstall, dInstall])), ['b-p1', 'a-p1', 'd', 'c']);
});

ordering('gives the same plan whatever the order of the inventory and the catalog', () => {
  const server = makeUpdate({ id: 'srv-p1', version: '15.01.01.00', upgradeCode: 'U-SRV' });
  const onServer = makeInstalled({ version: '15.01.00.00', upgradeCode: 'U-SRV' });
  const updates = [r1, r2, r2p2, r2p2es, server];
  const expected = plan([onR1, onServer], updates);
  assert.equal(plan([onServer, onR1], [...updates].reverse()), expected);
});

ordering('carries highPriority from the update', () => {
  const urgent = { ...r1p1, highPriority: true };
  const actions = plan([onR1], [r1, urgent]);
  assert.equal(
    actions.map((action) => action.highPriority),
    [true],
  );
  assert.equal(
    plan([onR1], [r1, r1p1]).map((action) => action.highPriority),
    [false],
  );
});

ordering('makes the install under a high-priority patch high priority too, but not the ES after it', () => {
  const urgentPatch = { ...r2p2, highPriority: true };
  const actions = plan([onR1], [r1, r2, urgentPatch, r2p2es]);
  assert.equal(
    actions.map((action) => [action.updateId, action.highPriority]),
    [
      ['r2', true],
      ['r2p2', true],
      ['r2p2es', false],
    ],
  );
});

ordering('carries highPriority on removals from the update', () => {
  const removed = { ...r1p2, state: 'Remove' as const, highPriority: true };
  const machine = makeInstalled({ version: '15.01.02.07' });
  assert.equal(
    plan([machine], [r1, removed]).map((action) => action.highPriority),
    [true],
  );
});

ordering('makes a related install as urgent as the update it hangs on', () => {
  const urgent = { ...withRelated, highPriority: true };
  const actions = plan([onR1], [r1, urgent, dialer]);
  assert.equal(
    actions.map((action) => [action.updateId, action.highPriority]),
    [
      ['dialer', true],
      ['r1p1', true],
    ],
  );
});

ordering.run();

const edges = suite('planActions edge cases');

edges('plans each product of a machine with several products', () => {
  const server = makeUpdate({ id: 'srv', version: '16.01.00.00', upgradeCode: 'U-SRV' });
  const serverP4 = makeUpdate({ id: 'srv-p4', version: '16.01.04.00', upgradeCode: 'U-SRV' });
  const onServer = makeInstalled({ version: '16.01.00.00', upgradeCode: 'U-SRV' });
  const actions = plan([onR1, onServer], [r1, r1p2, server, serverP4]);
  assert.equal(ids(actions), ['r1p2', 'srv-p4']);
  assert.equal(
    actions.map((action) => action.upgradeCode),
    ['U-CLIENT', 'U-SRV'],
  );
});

edges('ignores products the catalog does not know', () => {
  const unknown = makeInstalled({ version: '15.01.00.00', upgradeCode: 'U-UNKNOWN' });
  assert.equal(ids(plan([unknown, onR1], [r1, r1p1])), ['r1p1']);
  assert.equal(plan([unknown], [r1, r1p1]), []);
});

edges('does not move to a release whose base Install is missing', () => {
  assert.equal(ids(plan([onR1], [r1, r1p1, r2p1, r2p1es])), ['r1p1']);
});

edges('does not move to a release whose base Install is not GA', () => {
  const r2Inactive = { ...r2, state: 'Inactive' as const };
  assert.equal(ids(plan([onR1], [r1, r2Inactive, r2p1])), []);
});

edges('offers patches of the machine’s own release even when its Install is not in the catalog', () => {
  assert.equal(ids(plan([onR1], [r1p1])), ['r1p1']);
});

edges('offers nothing to a machine newer than every release in the catalog', () => {
  const onR3 = makeInstalled({ version: '15.03.00.00' });
  assert.equal(plan([onR3], [r1, r1p2, r2, r2p2]), []);
});

edges('plans a product listed twice once, from its highest version', () => {
  const older = makeInstalled({ version: '15.01.00.00' });
  const newer = makeInstalled({ version: '15.01.01.00' });
  assert.equal(ids(plan([older, newer], [r1, r1p1, r1p2])), ['r1p2']);
  assert.equal(ids(plan([newer, newer], [r1, r1p1, r1p2])), ['r1p2']);
});

edges('offers no installs when updates are not allowed, but still removes', () => {
  const removed = { ...r1p1, state: 'Remove' as const };
  const machine = makeInstalled({ version: '15.01.01.00' });
  const actions = plan([machine], [r1, removed, r1p2], { platformVersions: {}, updatesAllowed: false });
  assert.equal(
    actions.map((action) => [action.kind, action.updateId]),
    [['remove', 'r1p1']],
  );
});

edges('throws INVALID_VERSION for a malformed installed version', () => {
  const broken = makeInstalled({ version: '15.1' });
  try {
    plan([broken], [r1]);
    assert.unreachable('expected a PatchbayError');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'INVALID_VERSION'));
  }
});

edges('does not depend on the group settings', () => {
  const catalog = buildCatalogIndex([r1, r2, r2p2]);
  const automatic = planActions([onR1], catalog, GROUP, OPEN);
  const manual = planActions(
    [onR1],
    catalog,
    { id: 'north', mode: 'manual', installDay: 'sunday', installHour: 0 },
    OPEN,
  );
  assert.equal(manual, automatic);
});

edges('never mutates its inputs', () => {
  const updates = [r1, r2, r2p2, withRelated, dialer];
  const snapshot = structuredClone(updates);
  const machine = [makeInstalled({ version: '15.01.00.00', updates: ['x'] })];
  const machineSnapshot = structuredClone(machine);
  plan(machine, updates);
  assert.equal(updates, snapshot);
  assert.equal(machine, machineSnapshot);
});

edges.run();
