import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import {
  type CheckInInput,
  type ClientEvent,
  clientMachine,
  clientPhase,
  settingsRefusal,
} from '../../machines/clientMachine.ts';
import type { CheckInResult, ClientSettings, PlanAction, TaskResults } from '../../machines/clientPlan.ts';
import { createTimerLogic } from '../../src/agent/timerActor.ts';
import type { AgentEvent } from '../../src/domain/agentEvent.ts';
import type { GroupMode } from '../../src/domain/fleet.ts';
import { createDeferredActor, flush } from '../helpers/deferredActor.ts';
import { createFakeClock } from '../helpers/fakeClock.ts';

const MIN = 60_000;
// Wednesday 2024-01-10 12:10 local time: 45-min checks never coincide with the 03:00 window.
const START = new Date(2024, 0, 10, 12, 10).getTime();

function settings(mode: GroupMode): ClientSettings {
  return {
    mode,
    installDay: 'everyday',
    installHour: 3,
    checkInterval: { minMs: 30 * MIN, maxMs: 60 * MIN },
  };
}

function action(id: string, extra: Partial<PlanAction> = {}): PlanAction {
  return {
    kind: 'install',
    highPriority: false,
    update: {
      id,
      application: 'Desk App',
      productLine: 'CIC',
      version: '15.01.02.07',
      upgradeCode: 'UC',
      productCode: `PC-${id}`,
      installType: 'Patch',
      installProperties: {},
      sha256: 'a'.repeat(64),
      size: 10,
      signed: false,
      urls: [`http://p/content/${id}`],
    },
    ...extra,
  };
}

function reply(actions: PlanAction[], extra: Partial<CheckInResult> = {}): CheckInResult {
  return {
    group: { id: 'default', name: 'Default', locked: false },
    settings: settings('automatic'),
    providers: [],
    planEtag: 'e1',
    actions,
    ...extra,
  };
}

const ok = (ids: string[], status: TaskResults['results'][number]['status'] = 'succeeded'): TaskResults => ({
  results: ids.map((id) => ({ id, status })),
});

function start(
  mode: GroupMode,
  options: { providers?: string[]; snapshot?: unknown; clock?: ReturnType<typeof createFakeClock> } = {},
) {
  const clock = options.clock ?? createFakeClock(START, 0.5);
  const checkIn = createDeferredActor<CheckInResult, CheckInInput>();
  const downloads = createDeferredActor<TaskResults, { actions: PlanAction[] }>();
  const installs = createDeferredActor<TaskResults, { actions: PlanAction[] }>();
  const machine = clientMachine.provide({
    actors: {
      checkIn: checkIn.logic,
      downloadUpdates: downloads.logic,
      installUpdates: installs.logic,
      timer: createTimerLogic(clock),
    },
  });
  const actor = createActor(machine, {
    input: {
      settings: settings(mode),
      providers: options.providers ?? ['http://a:8092', 'http://b:8092'],
      backoff: { baseMs: 1000 },
    },
    snapshot: options.snapshot as any,
  });
  const reported: AgentEvent[] = [];
  let cancels = 0;
  actor.on('agent.event', (emitted) => reported.push(emitted.event));
  actor.on('tasks.cancel', () => {
    cancels += 1;
  });
  actor.start();
  return {
    actor,
    clock,
    checkIn,
    downloads,
    installs,
    reported,
    cancels: () => cancels,
    phase: () => clientPhase(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
    can: (event: ClientEvent) => actor.getSnapshot().can(event),
    /** Lets time pass until `at`, answering every check on the way with an unchanged plan. */
    async passTimeUntil(at: number) {
      while (clock.now() < at) {
        const context = actor.getSnapshot().context;
        const next = Math.min(at, context.nextCheckAt ?? at, context.nextWindowAt ?? at);
        clock.advance(Math.max(0, next - clock.now()));
        if (clientPhase(actor.getSnapshot().value) === 'checking') {
          checkIn.last().resolve(reply([], { unchanged: true }));
          await flush();
        }
      }
    },
    async check(result: CheckInResult) {
      actor.send({ type: 'CHECK' });
      checkIn.last().resolve(result);
      await flush();
    },
  };
}

const timers = suite('clientMachine timers');

timers('starts idle with the check timer armed in [min, max]', () => {
  const c = start('automatic');
  assert.is(c.phase(), 'idle');
  assert.is(c.context().nextCheckAt, START + 30 * MIN + Math.floor(0.5 * (30 * MIN + 1)));
});

timers('manual mode arms no check timer', () => {
  const c = start('manual');
  assert.is(c.phase(), 'idle');
  assert.is(c.context().nextCheckAt, undefined);
  assert.is(c.clock.pending(), 0);
});

timers('the check timer firing starts an automatic check on the first provider', () => {
  const c = start('notify');
  c.clock.advance(60 * MIN);
  assert.is(c.phase(), 'checking');
  assert.is(c.checkIn.last().input.provider, 'http://a:8092');
  assert.is(c.checkIn.last().input.manual, false);
});

timers('CHECK starts a manual check', () => {
  const c = start('manual');
  c.actor.send({ type: 'CHECK' });
  assert.is(c.phase(), 'checking');
  assert.is(c.checkIn.last().input.manual, true);
});

timers('a restored client whose window passed while off installs at once', async () => {
  const clock = createFakeClock(START, 0.5);
  const first = start('automatic', { clock });
  await first.check(reply([action('u1')]));
  first.downloads.last().resolve(ok(['u1']));
  await flush();
  assert.is(first.phase(), 'ready');
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  clock.jumpTo(new Date(2024, 0, 11, 9, 0).getTime());
  const second = start('automatic', { clock, snapshot: persisted });
  // Both deadlines passed while off: the check runs first (fresh plan), then the missed window.
  assert.is(second.phase(), 'checking');
  second.checkIn.last().resolve(reply([], { unchanged: true }));
  await flush();
  assert.is(second.phase(), 'installing');
  assert.equal(
    second.installs.last().input.actions.map((a) => a.update.id),
    ['u1'],
  );
});

timers('a restored idle client keeps its persisted check deadline', () => {
  const clock = createFakeClock(START, 0.5);
  const first = start('automatic', { clock });
  const deadline = first.context().nextCheckAt!;
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  const second = start('automatic', { clock: createFakeClock(START + 10 * MIN, 0.9), snapshot: persisted });
  assert.is(second.context().nextCheckAt, deadline);
});

timers('a client restored while checking checks again', () => {
  const first = start('notify');
  first.actor.send({ type: 'CHECK' });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
  first.actor.stop();
  const second = start('notify', { snapshot: persisted });
  assert.is(second.phase(), 'checking');
  assert.is(second.checkIn.runs.length, 1);
});

timers.run();

const modes = suite('clientMachine modes');

modes('automatic: a check with an update downloads at once (staging)', async () => {
  const c = start('automatic');
  await c.check(reply([action('u1')]));
  assert.is(c.phase(), 'downloading');
  assert.equal(
    c.downloads.last().input.actions.map((a) => a.update.id),
    ['u1'],
  );
});

modes('automatic: downloaded updates wait in ready for the next install window', async () => {
  const c = start('automatic');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  assert.is(c.phase(), 'ready');
  assert.is(c.context().nextWindowAt, new Date(2024, 0, 11, 3, 0).getTime());
  assert.is(c.installs.runs.length, 0);
});

modes('automatic: the window installs the downloaded updates, then idle', async () => {
  const c = start('automatic');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  await c.passTimeUntil(new Date(2024, 0, 11, 3, 0).getTime());
  assert.is(c.phase(), 'installing');
  c.installs.last().resolve(ok(['u1']));
  await flush();
  assert.is(c.phase(), 'idle');
  assert.equal(c.context().items, []);
});

modes('download: downloads at once, then waits in ready without a window', async () => {
  const c = start('download');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  assert.is(c.phase(), 'ready');
  assert.is(c.context().nextWindowAt, undefined);
});

modes('download: APPLY installs the downloaded updates', async () => {
  const c = start('download');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  c.actor.send({ type: 'APPLY' });
  assert.is(c.phase(), 'installing');
  assert.equal(
    c.installs.last().input.actions.map((a) => a.update.id),
    ['u1'],
  );
});

modes('notify: a check only makes the updates available (no download)', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  assert.is(c.phase(), 'available');
  assert.is(c.downloads.runs.length, 0);
});

modes('notify: APPLY downloads then installs', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  c.actor.send({ type: 'APPLY' });
  assert.is(c.phase(), 'downloading');
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  assert.is(c.phase(), 'installing');
});

modes('manual: CHECK then available; nothing downloads by itself', async () => {
  const c = start('manual');
  await c.check(reply([action('u1')]));
  assert.is(c.phase(), 'available');
  c.clock.advance(24 * 60 * MIN);
  assert.is(c.phase(), 'available');
  assert.is(c.downloads.runs.length, 0);
});

modes('APPLY_CUSTOM downloads and installs only the chosen ids', async () => {
  const c = start('notify');
  await c.check(reply([action('u1'), action('u2')]));
  c.actor.send({ type: 'APPLY_CUSTOM', ids: ['u2'] });
  assert.equal(
    c.downloads.last().input.actions.map((a) => a.update.id),
    ['u2'],
  );
  c.downloads.last().resolve(ok(['u2']));
  await flush();
  assert.equal(
    c.installs.last().input.actions.map((a) => a.update.id),
    ['u2'],
  );
});

modes('APPLY_CUSTOM with an unknown id is refused', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  assert.is(c.can({ type: 'APPLY_CUSTOM', ids: ['nope'] }), false);
});

modes('APPLY with nothing available is refused', () => {
  const c = start('notify');
  assert.is(c.can({ type: 'APPLY' }), false);
});

modes('a removal is forced at once even in notify mode, without a download', async () => {
  const c = start('notify');
  await c.check(reply([action('old', { kind: 'remove' })]));
  assert.is(c.phase(), 'installing');
  assert.equal(
    c.installs.last().input.actions.map((a) => `${a.kind}:${a.update.id}`),
    ['remove:old'],
  );
});

modes('a restartRequired outcome ends in restartRequired; RESTARTED returns to idle', async () => {
  const c = start('download');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  c.actor.send({ type: 'APPLY' });
  c.installs.last().resolve(ok(['u1'], 'restartRequired'));
  await flush();
  assert.is(c.phase(), 'restartRequired');
  assert.is(c.context().restartRequired, true);
  c.actor.send({ type: 'RESTARTED' });
  assert.is(c.phase(), 'idle');
});

modes('a failed install stays failed and is not retried until the next check', async () => {
  const c = start('download');
  await c.check(reply([action('u1')]));
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  c.actor.send({ type: 'APPLY' });
  c.installs
    .last()
    .resolve({ results: [{ id: 'u1', status: 'failed', error: { code: 'INSTALL_FAILED', message: 'x' } }] });
  await flush();
  assert.is(c.phase(), 'idle');
  assert.is(c.context().items[0]?.phase, 'failed');
  assert.is(c.installs.runs.length, 1);
});

modes.run();

const priority = suite('clientMachine High Priority');

for (const mode of ['automatic', 'download', 'notify', 'manual'] as const) {
  priority(`${mode}: High Priority from an automatic check downloads and installs at once`, async () => {
    const c = start(mode);
    c.actor.send({ type: 'TIMER.FIRED', timer: 'check' });
    c.checkIn.last().resolve(reply([action('hp', { highPriority: true })]));
    await flush();
    assert.is(c.phase(), 'downloading');
    c.downloads.last().resolve(ok(['hp']));
    await flush();
    assert.is(c.phase(), 'installing');
    assert.equal(
      c.installs.last().input.actions.map((a) => a.update.id),
      ['hp'],
    );
  });
}

priority('after a manual check the user is asked; nothing installs by itself', async () => {
  const c = start('notify');
  await c.check(reply([action('hp', { highPriority: true })]));
  assert.is(c.context().highPriority, 'awaitingUser');
  assert.is(c.phase(), 'available');
});

priority('after a manual check APPLY installs the High Priority update now', async () => {
  const c = start('notify');
  await c.check(reply([action('hp', { highPriority: true })]));
  c.actor.send({ type: 'APPLY' });
  c.downloads.last().resolve(ok(['hp']));
  await flush();
  assert.is(c.phase(), 'installing');
});

priority('DEFER moves a High Priority update to the next window', async () => {
  const c = start('notify');
  await c.check(reply([action('hp', { highPriority: true })]));
  c.actor.send({ type: 'DEFER' });
  assert.is(c.context().highPriority, 'deferred');
  assert.is(c.context().nextWindowAt, new Date(2024, 0, 11, 3, 0).getTime());
  await c.passTimeUntil(c.context().nextWindowAt!);
  assert.is(c.phase(), 'downloading');
  c.downloads.last().resolve(ok(['hp']));
  await flush();
  assert.equal(
    c.installs.last().input.actions.map((a) => a.update.id),
    ['hp'],
  );
});

priority('DEFER without a pending High Priority question is refused', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  assert.is(c.can({ type: 'DEFER' }), false);
});

priority.run();

const cancel = suite('clientMachine CANCEL');

cancel('CANCEL while downloading asks the queues to cancel and pauses', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  c.actor.send({ type: 'APPLY' });
  c.actor.send({ type: 'CANCEL' });
  assert.is(c.cancels(), 1);
  assert.is(c.context().paused, true);
  c.downloads.last().resolve(ok(['u1'], 'cancelled'));
  await flush();
  assert.is(c.phase(), 'available');
  assert.is(c.installs.runs.length, 0);
});

cancel('after CANCEL automatic mode does not restart the downloads by itself', async () => {
  const c = start('automatic');
  await c.check(reply([action('u1')]));
  c.actor.send({ type: 'CANCEL' });
  c.downloads.last().resolve(ok(['u1'], 'cancelled'));
  await flush();
  assert.is(c.phase(), 'available');
  assert.is(c.downloads.runs.length, 1);
});

cancel('APPLY after CANCEL downloads again (the runtime resumes from the partial file)', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  c.actor.send({ type: 'APPLY' });
  c.actor.send({ type: 'CANCEL' });
  c.downloads.last().resolve(ok(['u1'], 'cancelled'));
  await flush();
  c.actor.send({ type: 'APPLY' });
  assert.is(c.phase(), 'downloading');
  assert.is(c.downloads.runs.length, 2);
});

cancel('CANCEL while installing asks the queues to cancel; cancelled installs stay ready', async () => {
  const c = start('download');
  await c.check(reply([action('u1'), action('u2')]));
  c.downloads.last().resolve(ok(['u1', 'u2']));
  await flush();
  c.actor.send({ type: 'APPLY' });
  c.actor.send({ type: 'CANCEL' });
  assert.is(c.cancels(), 1);
  c.installs.last().resolve({
    results: [
      { id: 'u1', status: 'succeeded' },
      { id: 'u2', status: 'cancelled' },
    ],
  });
  await flush();
  assert.is(c.phase(), 'ready');
  assert.equal(
    c.context().items.map((i) => i.action.update.id),
    ['u2'],
  );
});

cancel('CANCEL while idle is refused', () => {
  const c = start('notify');
  assert.is(c.can({ type: 'CANCEL' }), false);
});

cancel.run();

const settingsSuite = suite('clientMachine SETTINGS.CHANGE');

settingsSuite('accepted while idle in the default group', () => {
  const c = start('notify');
  c.actor.send({ type: 'SETTINGS.CHANGE', settings: { mode: 'manual', installHour: 5 } });
  assert.is(c.context().settings.mode, 'manual');
  assert.is(c.context().settings.installHour, 5);
});

settingsSuite('switching notify → download starts the staging downloads', async () => {
  const c = start('notify');
  await c.check(reply([action('u1')]));
  c.actor.send({ type: 'SETTINGS.CHANGE', settings: { mode: 'download' } });
  assert.is(c.phase(), 'downloading');
});

settingsSuite('refused while checking', () => {
  const c = start('notify');
  c.actor.send({ type: 'CHECK' });
  assert.is(c.can({ type: 'SETTINGS.CHANGE', settings: { mode: 'manual' } }), false);
});

settingsSuite('refused while downloading or installing', async () => {
  const c = start('download');
  await c.check(reply([action('u1')]));
  assert.is(c.can({ type: 'SETTINGS.CHANGE', settings: { mode: 'manual' } }), false);
  c.downloads.last().resolve(ok(['u1']));
  await flush();
  c.actor.send({ type: 'APPLY' });
  assert.is(c.can({ type: 'SETTINGS.CHANGE', settings: { mode: 'manual' } }), false);
});

settingsSuite('refused when a group locks the settings, which the reply imposes', async () => {
  const c = start('notify');
  const locked = { ...settings('manual'), installHour: 22 };
  await c.check(reply([], { group: { id: 'north', name: 'North', locked: true }, settings: locked }));
  assert.equal(c.context().settings, locked);
  assert.is(c.can({ type: 'SETTINGS.CHANGE', settings: { mode: 'automatic' } }), false);
});

settingsSuite('an unlocked reply leaves the local settings alone', async () => {
  const c = start('notify');
  await c.check(reply([], { settings: settings('automatic') }));
  assert.is(c.context().settings.mode, 'notify');
});

settingsSuite(
  'settingsRefusal says busy while checking, locked for a locked group, nothing when idle',
  async () => {
    const c = start('notify');
    assert.is(settingsRefusal(c.context(), c.phase()), undefined);
    c.actor.send({ type: 'CHECK' });
    assert.is(settingsRefusal(c.context(), c.phase()), 'busy');
    c.checkIn.last().resolve(reply([], { group: { id: 'g', name: 'G', locked: true } }));
    await flush();
    assert.is(settingsRefusal(c.context(), c.phase()), 'locked');
  },
);

settingsSuite.run();

const failover = suite('clientMachine failover and backoff');

failover('a failed check tries the next provider', async () => {
  const c = start('notify');
  c.actor.send({ type: 'CHECK' });
  c.checkIn.last().reject(new Error('ECONNREFUSED'));
  await flush();
  assert.is(c.phase(), 'checking');
  assert.is(c.checkIn.last().input.provider, 'http://b:8092');
});

failover('when every provider fails: check.failed is reported and the next check backs off', async () => {
  const c = start('notify');
  c.actor.send({ type: 'CHECK' });
  c.checkIn.last().reject(Object.assign(new Error('too big'), { code: 'MESSAGE_TOO_LARGE' }));
  await flush();
  c.checkIn.last().reject(Object.assign(new Error('too big'), { code: 'MESSAGE_TOO_LARGE' }));
  await flush();
  assert.is(c.phase(), 'idle');
  assert.is(c.context().failures, 1);
  assert.is(c.context().nextCheckAt, c.clock.now() + 1000);
  assert.equal(c.reported, [
    { type: 'check.failed', detail: { code: 'MESSAGE_TOO_LARGE', message: 'too big', failures: 1 } },
  ]);
});

failover('the backoff doubles with consecutive failures', async () => {
  const c = start('notify', { providers: ['http://a:8092'] });
  c.actor.send({ type: 'CHECK' });
  c.checkIn.last().reject(new Error('down'));
  await flush();
  c.clock.advance(1000);
  c.checkIn.last().reject(new Error('down'));
  await flush();
  assert.is(c.context().nextCheckAt, c.clock.now() + 2000);
});

failover('a successful check resets failures', async () => {
  const c = start('notify', { providers: ['http://a:8092'] });
  c.actor.send({ type: 'CHECK' });
  c.checkIn.last().reject(new Error('down'));
  await flush();
  await c.check(reply([]));
  assert.is(c.context().failures, 0);
});

failover('providers from the reply are used for the next check', async () => {
  const c = start('notify');
  await c.check(reply([], { providers: ['http://remote:8092'] }));
  c.actor.send({ type: 'CHECK' });
  assert.is(c.checkIn.last().input.provider, 'http://remote:8092');
});

failover('when the group providers fail, the configured ones are tried again', async () => {
  const c = start('notify');
  await c.check(reply([], { providers: ['http://remote:8092'] }));
  c.actor.send({ type: 'CHECK' });
  c.checkIn.last().reject(new Error('down'));
  await flush();
  assert.is(c.phase(), 'checking');
  assert.is(c.checkIn.last().input.provider, 'http://a:8092');
});

failover.run();
