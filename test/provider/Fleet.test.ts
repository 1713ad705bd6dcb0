import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckInReport } from '../../src/provider/Fleet.ts';
import { MACHINE_KIND } from '../../src/provider/machineKind.ts';
import { type FleetServices, openFleet } from '../../src/provider/openFleet.ts';
import { openProviderCore, type ProviderCore } from '../../src/provider/ProviderCore.ts';
import { checkInBody } from '../fleet/providerHarness.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('Fleet.checkIn');

interface Setup {
  core: ProviderCore;
  services: FleetServices;
  clock: { now: number };
  /** Closes and opens again; `withoutDump` drops the directory dump, as after a crash. */
  reopen(withoutDump?: boolean): Promise<Setup>;
}

/** Opens core and fleet services in `dir`; `closers` collects how to close each one opened (reopens too). */
async function open(
  dir: string,
  closers: (() => Promise<void>)[],
  clock = { now: Date.parse('2026-01-01T00:00:00.000Z') },
): Promise<Setup> {
  const core = await openProviderCore({ dataDir: dir, sync: false, kinds: [MACHINE_KIND] });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await services.close();
    await core.close();
  };
  const services = await openFleet(core, { now: () => new Date(clock.now), contactFlushMs: 60_000 });
  closers.push(close);
  const setup: Setup = {
    core,
    services,
    clock,
    async reopen(withoutDump = false) {
      await close();
      if (withoutDump) await rm(join(dir, 'machine-directory.bin'));
      return open(dir, closers, clock);
    },
  };
  return setup;
}

/** Runs `run` on a fresh fleet; whatever it opened (reopens included) is closed, also when it fails. */
async function withFleet(run: (setup: Setup) => Promise<Setup | undefined>): Promise<void> {
  const { dir, cleanup } = await makeTempDir();
  const closers: (() => Promise<void>)[] = [];
  try {
    await run(await open(dir, closers));
  } finally {
    for (const close of closers.reverse()) await close();
    await cleanup();
  }
}

const report = (id: string, fields = {}) => checkInBody(id, fields) as unknown as CheckInReport;

test('an unchanged check-in writes nothing to the store', () =>
  withFleet(async ({ core, services }) => {
    const first = await services.fleet.checkIn(report('m1'));
    await core.host.flush();
    const before = core.host.commitStats;
    const again = await services.fleet.checkIn(report('m1', { planEtag: first.planEtag }));
    await core.host.flush();
    assert.is(again.unchanged, true);
    assert.equal(core.host.commitStats, before);
    return undefined;
  }));

test('a changed inventory is recorded in the machine actor', () =>
  withFleet(async ({ core, services }) => {
    await services.fleet.checkIn(report('m1'));
    await services.fleet.checkIn(report('m1', { version: '15.01.03.00' }));
    await core.host.flush();
    const snapshot = await core.host.peek('machine', 'm1');
    assert.is(
      (snapshot!.context as { installed: Array<{ version: string }> }).installed[0]!.version,
      '15.01.03.00',
    );
    assert.is((snapshot!.context as { checkIns: number }).checkIns, 2);
    return undefined;
  }));

test('last contact of unchanged check-ins is kept in memory and survives a restart once flushed', () =>
  withFleet(async (setup) => {
    const first = await setup.services.fleet.checkIn(report('m1'));
    setup.clock.now += 45 * 60_000;
    await setup.services.fleet.checkIn(report('m1', { planEtag: first.planEtag }));
    const detail = await setup.services.queries.detail('m1');
    assert.is(detail.lastContact, '2026-01-01T00:45:00.000Z');
    const reopened = await setup.reopen();
    assert.is((await reopened.services.queries.detail('m1')).lastContact, '2026-01-01T00:45:00.000Z');
    return reopened;
  }));

test('after a restart the first check-in of a known machine is recorded, not registered again', () =>
  withFleet(async (setup) => {
    await setup.services.fleet.checkIn(report('m1'));
    const reopened = await setup.reopen();
    const answer = await reopened.services.fleet.checkIn(report('m1'));
    assert.is(answer.group.id, 'default');
    await reopened.core.host.flush();
    const registered = await reopened.services.activity.query({ type: 'machine.registered' });
    assert.is(registered.entries.length, 1);
    return reopened;
  }));

test('after a crash an unchanged check-in of a known machine writes nothing', () =>
  withFleet(async (setup) => {
    const first = await setup.services.fleet.checkIn(report('m1'));
    const reopened = await setup.reopen(true);
    const before = reopened.core.host.commitStats;
    const answer = await reopened.services.fleet.checkIn(report('m1', { planEtag: first.planEtag }));
    await reopened.core.host.flush();
    assert.is(answer.unchanged, true);
    assert.equal(reopened.core.host.commitStats, before);
    assert.is(reopened.services.fleet.directory.get('m1')!.planEtag, first.planEtag);
    return reopened;
  }));

test('after a crash a check-in with a new inventory is recorded', () =>
  withFleet(async (setup) => {
    const first = await setup.services.fleet.checkIn(report('m1'));
    const reopened = await setup.reopen(true);
    await reopened.services.fleet.checkIn(report('m1', { planEtag: first.planEtag, version: '15.01.03.00' }));
    await reopened.core.host.flush();
    const snapshot = await reopened.core.host.peek('machine', 'm1');
    assert.is((snapshot!.context as { checkIns: number }).checkIns, 2);
    return reopened;
  }));

test('a clean close leaves a directory dump that the next start loads and deletes', () =>
  withFleet(async (setup) => {
    const first = await setup.services.fleet.checkIn(report('m1'));
    const reopened = await setup.reopen();
    assert.is(reopened.services.fleet.directory.get('m1'), undefined, 'not loaded before loadDirectory');
    await reopened.services.loadDirectory();
    assert.is(reopened.services.fleet.directory.get('m1')!.planEtag, first.planEtag);
    assert.is(existsSync(join(reopened.core.dataDir, 'machine-directory.bin')), false);
    return reopened;
  }));

test('a machine silent for longer than staleAfterMs is ErrorState with "not contacted since"', () =>
  withFleet(async ({ services, clock }) => {
    await services.fleet.checkIn(report('m1'));
    clock.now += 25 * 60 * 60_000;
    const result = await services.queries.report();
    assert.equal(
      result.ErrorState.map((row) => row.id),
      ['m1'],
    );
    assert.equal(result.ErrorState[0]!.notes, ['not contacted since 2026-01-01T00:00:00.000Z']);
    const recent = await services.queries.report(new Date(clock.now - 60_000));
    assert.equal(recent, { ErrorState: [], NeedsAttention: [], UpToDate: [] });
    return undefined;
  }));

test.run();
