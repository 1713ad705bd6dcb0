import { assign, emit, fromPromise, setup } from 'xstate';
import type { AgentEvent } from '../src/domain/agentEvent.ts';
import {
  acceptCheckResult,
  advanceProvider,
  type CheckInInput,
  type ClientContext,
  type ClientInput,
  checkSpec,
  failureOf,
  highPriorityDue,
  type SettingsChange,
  windowNeeded,
  windowSpec,
} from './clientContext.ts';
import {
  activeProviders,
  applyDownloadResults,
  applyInstallResults,
  type CheckInResult,
  type ClientItem,
  type ClientSettings,
  idsOf,
  isForced,
  isHighPriority,
  isReadyItem,
  itemsFor,
  needsDownload,
  type PlanAction,
  type TaskResults,
} from './clientPlan.ts';
import { type TimerEvent, timerContract } from './timer.ts';

export type { CheckInInput, ClientContext, ClientInput, SettingsChange } from './clientContext.ts';
export { clientPhase, settingsRefusal } from './clientContext.ts';

/** Events the client accepts. Refused ones leave `snapshot.can(event)` false. */
export type ClientEvent =
  | { type: 'CHECK' }
  | { type: 'APPLY' }
  | { type: 'APPLY_CUSTOM'; ids: string[] }
  | { type: 'DEFER' }
  | { type: 'CANCEL' }
  | { type: 'SETTINGS.CHANGE'; settings: SettingsChange }
  | { type: 'RESTARTED' }
  | { type: 'CONFIGURE'; providers: string[]; checkInterval: ClientSettings['checkInterval'] }
  | TimerEvent;

/** Events the client emits: provider reports, and requests to the task queues. */
export type ClientEmitted = { type: 'agent.event'; event: AgentEvent } | { type: 'tasks.cancel' };

function contract<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(() =>
    Promise.reject(
      new TypeError(`Expected the \`${name}\` actor to be provided with clientMachine.provide()`),
    ),
  );
}

const idOf = (item: ClientItem) => item.action.update.id;

/**
 * The agent's own state (ARCHITECTURE.md, "Machines" and "Modes (agent)"): idle → checking →
 * downloading → ready → installing → restartRequired/idle, plus `available` (known, not
 * downloaded: notify and manual modes). The transient `route` state decides the path from the
 * mode, the plan and High Priority flags; `resting` holds idle/available/ready/restartRequired
 * in parallel with the check timer and the install-window timer. A failed check fails over to
 * the next provider (group providers first, then the configured ones) before it counts as a
 * failure and backs the next check off exponentially.
 *
 * Side effects are named actors (`checkIn`, `downloadUpdates`, `installUpdates`, `timer`) and
 * emitted events (`agent.event`, `tasks.cancel`), provided and observed by the agent runtime.
 *
 * @example createActor(clientMachine.provide({ actors }), { input: { settings, providers } }).start()
 */
export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as ClientInput,
    emitted: {} as ClientEmitted,
  },
  actors: {
    checkIn: contract<CheckInResult, CheckInInput>('checkIn'),
    downloadUpdates: contract<TaskResults, { actions: PlanAction[] }>('downloadUpdates'),
    installUpdates: contract<TaskResults, { actions: PlanAction[] }>('installUpdates'),
    timer: timerContract,
  },
  guards: {
    settingsUnlocked: ({ context }) => !context.locked,
    canFailOver: ({ context }) =>
      context.providerAttempts + 1 < activeProviders(context).length || context.groupProviders.length > 0,
    highPriorityDue: ({ context }) => highPriorityDue(context),
    shouldStage: ({ context }) =>
      !context.paused &&
      (context.settings.mode === 'automatic' || context.settings.mode === 'download') &&
      context.items.some((item) => needsDownload(item) && item.phase === 'pending'),
    hasReady: ({ context }) => context.items.some(isReadyItem),
    hasPending: ({ context }) => context.items.some((item) => item.phase !== 'failed'),
    restartPending: ({ context }) => context.restartRequired,
    hasItems: ({ context }) => context.items.length > 0,
    idsKnown: ({ context, event }) =>
      event.type === 'APPLY_CUSTOM' &&
      event.ids.length > 0 &&
      event.ids.every((id) => context.items.some((item) => idOf(item) === id)),
    awaitingUser: ({ context }) => context.highPriority === 'awaitingUser',
    selectionNeedsDownload: ({ context }) => itemsFor(context.items, context.selection).some(needsDownload),
    selectionEmpty: ({ context }) => context.selection.length === 0,
    installAfterDownload: ({ context, event }) => {
      if (context.intent !== 'install' || context.paused || !('output' in event)) return false;
      const items = applyDownloadResults(context.items, (event.output as TaskResults).results);
      return itemsFor(items, context.selection).some(isReadyItem);
    },
    isStaging: ({ context }) => context.intent === 'stage',
    checkTimerOn: ({ context }) => context.settings.mode !== 'manual',
    hasCheckDeadline: ({ context }) => context.nextCheckAt !== undefined,
    windowNeeded: ({ context }) => windowNeeded(context),
    hasWindowDeadline: ({ context }) => context.nextWindowAt !== undefined,
    isCheckTimer: ({ event }) => 'timer' in event && event.timer === 'check',
    isWindowTimer: ({ event }) => 'timer' in event && event.timer === 'window',
  },
  actions: {
    startCheck: assign(({ event }) => ({ manualCheck: event.type === 'CHECK', nextCheckAt: undefined })),
    acceptCheckResult: assign(({ context, event }) =>
      acceptCheckResult(context, (event as unknown as { output: CheckInResult }).output),
    ),
    advanceProvider: assign(({ context }) => advanceProvider(context)),
    recordCheckFailure: assign(({ context, event }) => ({
      failures: context.failures + 1,
      providerAttempts: 0,
      nextCheckAt: undefined,
      lastError: failureOf((event as { error?: unknown }).error),
    })),
    reportCheckFailed: emit(({ context }) => ({
      type: 'agent.event' as const,
      event: checkFailedReport(context),
    })),
    configure: assign(({ context, event }) =>
      event.type === 'CONFIGURE'
        ? {
            configuredProviders: event.providers,
            settings: { ...context.settings, checkInterval: event.checkInterval },
            providerIndex: 0,
            providerAttempts: 0,
          }
        : {},
    ),
    selectAll: assign(({ context }) => ({
      selection: idsOf(context.items),
      items: context.items.map((item) =>
        item.phase === 'failed' ? { action: item.action, phase: 'pending' as const } : item,
      ),
      intent: 'install' as const,
      paused: false,
      highPriority: 'auto' as const,
    })),
    selectIds: assign(({ context, event }) => {
      const ids = event.type === 'APPLY_CUSTOM' ? new Set(event.ids) : new Set<string>();
      return {
        selection: idsOf(context.items, (item) => ids.has(idOf(item))),
        items: context.items.map((item) =>
          ids.has(idOf(item)) && item.phase === 'failed'
            ? { action: item.action, phase: 'pending' as const }
            : item,
        ),
        intent: 'install' as const,
        paused: false,
      };
    }),
    selectUrgent: assign(({ context }) => ({
      selection: idsOf(
        context.items,
        (item) => isForced(item) || (context.highPriority === 'auto' && isHighPriority(item)),
      ),
      intent: 'install' as const,
    })),
    selectStaging: assign(({ context }) => ({
      selection: idsOf(context.items, (item) => needsDownload(item) && item.phase === 'pending'),
      intent: 'stage' as const,
    })),
    selectForWindow: assign(({ context }) => ({
      selection:
        context.settings.mode === 'automatic'
          ? idsOf(context.items, (item) => item.phase !== 'failed')
          : idsOf(context.items, isHighPriority),
      intent: 'install' as const,
      highPriority: 'auto' as const,
      paused: false,
      nextWindowAt: undefined,
    })),
    intendInstall: assign({ intent: 'install' as const }),
    acceptDownloads: assign(({ context, event }) => {
      const items = applyDownloadResults(
        context.items,
        (event as unknown as { output: TaskResults }).output.results,
      );
      return { items, selection: idsOf(itemsFor(items, context.selection), isReadyItem) };
    }),
    failSelection: assign(({ context, event }) => {
      const selected = new Set(context.selection);
      const error = failureOf((event as { error?: unknown }).error);
      return {
        items: context.items.map((item) =>
          selected.has(idOf(item)) ? { action: item.action, phase: 'failed' as const, error } : item,
        ),
        selection: [],
        lastError: error,
      };
    }),
    acceptInstalls: assign(({ context, event }) => {
      const outcome = applyInstallResults(
        context.items,
        (event as unknown as { output: TaskResults }).output.results,
      );
      return {
        items: outcome.items,
        selection: [],
        restartRequired: context.restartRequired || outcome.restartRequired,
      };
    }),
    clearSelection: assign({ selection: [] }),
    pause: assign({ paused: true }),
    cancelTasks: emit({ type: 'tasks.cancel' as const }),
    deferHighPriority: assign({ highPriority: 'deferred' as const }),
    changeSettings: assign(({ context, event }) => {
      if (event.type !== 'SETTINGS.CHANGE') return {};
      const settings = { ...context.settings, ...event.settings };
      return { settings, nextCheckAt: undefined, nextWindowAt: undefined };
    }),
    clearRestart: assign({ restartRequired: false }),
    recordCheckDeadline: assign(({ event }) =>
      event.type === 'TIMER.SCHEDULED' ? { nextCheckAt: event.deadline } : {},
    ),
    recordWindowDeadline: assign(({ event }) =>
      event.type === 'TIMER.SCHEDULED' ? { nextWindowAt: event.deadline } : {},
    ),
  },
}).createMachine({
  id: 'clientMachine',
  context: ({ input }) => ({
    settings: input.settings,
    locked: false,
    configuredProviders: input.providers,
    groupProviders: [],
    providerIndex: 0,
    providerAttempts: 0,
    items: [],
    selection: [],
    intent: 'stage',
    manualCheck: false,
    highPriority: 'auto',
    paused: false,
    restartRequired: false,
    failures: 0,
    backoff: input.backoff ?? { baseMs: 30_000 },
  }),
  initial: 'route',
  on: {
    // A restart with another config file: new providers and check interval, same progress.
    CONFIGURE: { actions: 'configure' },
  },
  states: {
    route: {
      always: [
        { guard: 'highPriorityDue', target: 'applying', actions: 'selectUrgent' },
        { guard: 'shouldStage', target: 'downloading', actions: 'selectStaging' },
        { guard: 'hasReady', target: '#clientMachine.resting.status.ready' },
        { guard: 'hasPending', target: '#clientMachine.resting.status.available' },
        { guard: 'restartPending', target: '#clientMachine.resting.status.restartRequired' },
        { target: '#clientMachine.resting.status.idle' },
      ],
    },
    resting: {
      type: 'parallel',
      states: {
        status: {
          initial: 'idle',
          states: { idle: {}, available: {}, ready: {}, restartRequired: {} },
        },
        checkTimer: {
          initial: 'pick',
          states: {
            pick: {
              always: [{ guard: 'checkTimerOn', target: 'armed' }, { target: 'off' }],
            },
            armed: {
              initial: 'pick',
              states: {
                pick: {
                  always: [{ guard: 'hasCheckDeadline', target: 'waiting' }, { target: 'scheduling' }],
                },
                scheduling: {
                  invoke: {
                    src: 'timer',
                    input: ({ context }) => ({ timer: 'check', spec: checkSpec(context) }),
                  },
                  on: {
                    'TIMER.SCHEDULED': {
                      guard: 'isCheckTimer',
                      target: 'waiting',
                      actions: 'recordCheckDeadline',
                    },
                  },
                },
                waiting: {
                  invoke: {
                    src: 'timer',
                    input: ({ context }) => ({
                      timer: 'check',
                      spec: checkSpec(context),
                      deadline: context.nextCheckAt,
                    }),
                  },
                },
              },
            },
            off: {},
          },
        },
        windowTimer: {
          initial: 'pick',
          states: {
            pick: {
              always: [{ guard: 'windowNeeded', target: 'armed' }, { target: 'off' }],
            },
            armed: {
              initial: 'pick',
              states: {
                pick: {
                  always: [{ guard: 'hasWindowDeadline', target: 'waiting' }, { target: 'scheduling' }],
                },
                scheduling: {
                  invoke: {
                    src: 'timer',
                    input: ({ context }) => ({ timer: 'window', spec: windowSpec(context) }),
                  },
                  on: {
                    'TIMER.SCHEDULED': {
                      guard: 'isWindowTimer',
                      target: 'waiting',
                      actions: 'recordWindowDeadline',
                    },
                  },
                },
                waiting: {
                  invoke: {
                    src: 'timer',
                    input: ({ context }) => ({
                      timer: 'window',
                      spec: windowSpec(context),
                      deadline: context.nextWindowAt,
                    }),
                  },
                },
              },
            },
            off: {},
          },
        },
      },
      on: {
        CHECK: { target: 'checking', actions: 'startCheck' },
        'TIMER.FIRED': [
          { guard: 'isCheckTimer', target: 'checking', actions: 'startCheck' },
          { guard: 'isWindowTimer', target: 'applying', actions: 'selectForWindow' },
        ],
        APPLY: { guard: 'hasItems', target: 'applying', actions: 'selectAll' },
        APPLY_CUSTOM: { guard: 'idsKnown', target: 'applying', actions: 'selectIds' },
        DEFER: { guard: 'awaitingUser', target: 'route', actions: 'deferHighPriority' },
        'SETTINGS.CHANGE': { guard: 'settingsUnlocked', target: 'route', actions: 'changeSettings' },
        RESTARTED: { target: 'route', actions: 'clearRestart' },
      },
    },
    checking: {
      invoke: {
        src: 'checkIn',
        input: ({ context }) => ({
          provider:
            activeProviders(context)[context.providerIndex % Math.max(1, activeProviders(context).length)] ??
            '',
          settings: context.settings,
          planEtag: context.planEtag,
          restartRequired: context.restartRequired,
          lastError: context.lastError,
          manual: context.manualCheck,
        }),
        onDone: { target: 'route', actions: 'acceptCheckResult' },
        onError: [
          { guard: 'canFailOver', target: 'checking', reenter: true, actions: 'advanceProvider' },
          { target: 'route', actions: ['recordCheckFailure', 'reportCheckFailed'] },
        ],
      },
    },
    applying: {
      always: [
        { guard: 'selectionEmpty', target: 'route' },
        { guard: 'selectionNeedsDownload', target: 'downloading' },
        { target: 'installing' },
      ],
    },
    downloading: {
      invoke: {
        src: 'downloadUpdates',
        input: ({ context }) => ({
          actions: itemsFor(context.items, context.selection)
            .filter(needsDownload)
            .map((item) => item.action),
        }),
        onDone: [
          { guard: 'installAfterDownload', target: 'installing', actions: 'acceptDownloads' },
          { target: 'route', actions: ['acceptDownloads', 'clearSelection'] },
        ],
        onError: { target: 'route', actions: 'failSelection' },
      },
      on: {
        CANCEL: { actions: ['pause', 'cancelTasks'] },
        APPLY: { guard: 'isStaging', actions: ['intendInstall', 'selectAll'] },
      },
    },
    installing: {
      invoke: {
        src: 'installUpdates',
        input: ({ context }) => ({
          actions: itemsFor(context.items, context.selection)
            .filter(isReadyItem)
            .map((item) => item.action),
        }),
        onDone: { target: 'route', actions: 'acceptInstalls' },
        onError: { target: 'route', actions: 'failSelection' },
      },
      on: {
        CANCEL: { actions: ['pause', 'cancelTasks'] },
      },
    },
  },
});

/**
 * The `check.failed` event the `reportCheckFailed` action emits; exported so the agent runtime can
 * provide its own action that writes it to the on-disk outbox.
 */
export function checkFailedReport(context: ClientContext): AgentEvent {
  return { type: 'check.failed', detail: { ...context.lastError, failures: context.failures } };
}
