import { and, assign, setup } from 'xstate';
import type { AgentEvent, AgentEventType } from '../src/domain/agentEvents.ts';
import type { InstalledApplication } from '../src/domain/fleet.ts';
import type { MachineSettings } from '../src/domain/machineSettings.ts';
import type { PlanAction } from '../src/domain/planActions.ts';
import { compareVersionKeys, versionKey } from '../src/domain/versionKey.ts';

/**
 * A plan action as the provider remembers it for one machine: enough about the product that a
 * reported success can be applied to the inventory without the catalog.
 */
export interface MemberAction extends PlanAction {
  application: string;
  productLine: string;
  productCode: string;
}

/** A failure the agent reported and nothing has resolved yet. `updateId` is `*` when none was given. */
export interface MemberFailure {
  kind: 'download' | 'install' | 'remove';
  updateId: string;
  at: string;
  detail?: string;
  /** What the failed update is, when the machine's plan named it: "Client 15.01.02.00". */
  label?: string;
}

/** What the provider knows about one enrolled machine. */
export interface FleetMemberContext {
  machineId: string;
  name: string;
  ip?: string;
  agentVersion?: string;
  groupId: string;
  /** The settings the machine runs with: its own in the default group, the group's elsewhere. */
  settings: MachineSettings;
  installed: InstalledApplication[];
  /** The actions of the plan given at the last check-in, minus those reported done since. */
  pending: MemberAction[];
  registeredAt: string;
  /** Provider time of the last check-in (updated at most every few seconds when nothing else changed). */
  lastContact: string;
  restartRequired: boolean;
  /** The error the agent reported in its last check-in status. */
  agentError?: string;
  /** The last `check.failed` report, cleared by the next check-in. */
  checkFailure?: { at: string; detail?: string };
  failures: MemberFailure[];
  /** The last agent event, for the machine list. */
  lastEvent?: { type: AgentEventType; at: string; updateId?: string };
  /** Human-readable notes for the report, recomputed after every event. */
  notes: string[];
  /** How many check-ins were recorded (unchanged check-ins are not). */
  checkIns: number;
  /**
   * The highest agent event number (`seq`) recorded. The agent numbers its reports in ascending
   * order and resends a batch whose reply it never saw; a numbered report at or below this (one
   * earlier in the same batch included) is such a resend and changes nothing. Kept here, in the
   * snapshot, so the check costs no read and commits with the event.
   */
  eventSeq?: number;
}

/**
 * What creates a member: its identity, group and settings at first contact, and usually that first
 * check-in too, so registering a machine writes one snapshot rather than two.
 */
export interface FleetMemberInput {
  machineId: string;
  name: string;
  ip?: string;
  groupId: string;
  settings: MachineSettings;
  at: string;
  checkIn?: Omit<CheckedInEvent, 'type'>;
}

/** A check-in as the fleet member records it; `pending` is the plan the reply carried. */
export interface CheckedInEvent {
  type: 'CHECKED_IN';
  at: string;
  name: string;
  ip?: string;
  agentVersion?: string;
  settings: MachineSettings;
  installed: InstalledApplication[];
  status: { restartRequired: boolean; lastError?: string };
  pending: MemberAction[];
}

/** Events a fleet member accepts. Agent events keep their API names (`install.failed`, …). */
export type FleetMemberEvent =
  | CheckedInEvent
  | { type: 'CONTACTED'; at: string }
  | { type: 'GROUP_CHANGED'; groupId: string; settings?: MachineSettings; at: string }
  | AgentEvent;

const FAILURE_KIND = {
  'download.failed': 'download',
  'install.failed': 'install',
  'remove.failed': 'remove',
} as const;

/**
 * The transitions of an event that can change what a member needs, each taking `action`: to the
 * state the context after the event calls for (`errorState` when `leavesErrors`, `needsAttention`
 * when `leavesWork`, `upToDate` otherwise). Guards on the context the event leaves rather than a
 * transient state that settles after the action: one microstep per event instead of two, about
 * 4 µs less per event (docs/performance.md, "Machines run as values").
 */
function settle<const A extends string>(action: A) {
  return [
    { guard: 'leavesErrors', target: '.errorState', actions: action },
    { guard: 'leavesWork', target: '.needsAttention', actions: action },
    { target: '.upToDate', actions: action },
  ] as const;
}

/** `settle` for an agent report, taken only when the report is not a resend (see `eventSeq`). */
function settleReport() {
  return [
    { guard: and(['isNewReport', 'leavesErrors']), target: '.errorState', actions: 'applyReport' },
    { guard: and(['isNewReport', 'leavesWork']), target: '.needsAttention', actions: 'applyReport' },
    { guard: 'isNewReport', target: '.upToDate', actions: 'applyReport' },
  ] as const;
}

/** A report that changes only the member's last event, taken only when it is not a resend. */
const NOTED = { guard: 'isNewReport', actions: 'noteAgentEvent' } as const;

/** Everything the agent reports; what each report does to the context is in `REPORT_EFFECTS`. */
const AGENT_EVENT_HANDLERS = {
  'download.started': NOTED,
  'download.succeeded': settleReport(),
  'download.failed': settleReport(),
  'download.cancelled': NOTED,
  'install.started': NOTED,
  'install.succeeded': settleReport(),
  'install.failed': settleReport(),
  'install.cancelled': NOTED,
  'remove.succeeded': settleReport(),
  'remove.failed': settleReport(),
  'restart.required': settleReport(),
  'check.failed': settleReport(),
} as const;

/**
 * One enrolled machine on the provider (ARCHITECTURE.md, "Machines"). Every event that can change
 * what the machine needs goes, by the guards `leavesErrors` and `leavesWork` on the context it
 * leaves, to:
 * - `errorState` when that context has errors: an unresolved download/install/remove failure, a
 *   reported `check.failed`, or an error in the agent's check-in status;
 * - `needsAttention` when it has work: actions pending or a restart required;
 * - `upToDate` otherwise. `registered` holds only between creation and the first check-in.
 * `CONTACTED` (last contact only), `GROUP_CHANGED` and progress reports keep the state. Pure: times
 * come in events.
 *
 * @example createActor(fleetMember, { input: { machineId: 'm1', name: 'PC-1', groupId: 'default', settings, at } })
 */
export const fleetMember = setup({
  types: {
    context: {} as FleetMemberContext,
    events: {} as FleetMemberEvent,
    input: {} as FleetMemberInput,
  },
  guards: {
    leavesErrors: ({ context, event }) => hasErrors(contextAfter(context, event)),
    leavesWork: ({ context, event }) => hasWork(contextAfter(context, event)),
    checkedInWithErrors: ({ context }) => context.checkIns > 0 && hasErrors(context),
    checkedInWithWork: ({ context }) => context.checkIns > 0 && hasWork(context),
    hasCheckedIn: ({ context }) => context.checkIns > 0,
    isNewReport: ({ context, event }) => {
      const seq = (event as AgentEvent).seq;
      return seq === undefined || seq > (context.eventSeq ?? 0);
    },
  },
  actions: {
    // One assign per event, of the context the guards already computed.
    recordCheckIn: assign(({ context, event }) => contextAfter(context, event)),
    applyReport: assign(({ context, event }) => contextAfter(context, event)),
    noteAgentEvent: assign(({ event }) => lastEventOf(event as AgentEvent)),
    recordContact: assign(({ context, event }) => {
      const at = (event as { at: string }).at;
      // ISO times compare as strings; a late, older CONTACTED must not move last contact back.
      if (at <= context.lastContact) return {};
      return { lastContact: at };
    }),
    changeGroup: assign(({ context, event }) => {
      const moved = event as Extract<FleetMemberEvent, { type: 'GROUP_CHANGED' }>;
      // Without settings (a move back to default) the machine keeps the settings it had.
      return { groupId: moved.groupId, settings: moved.settings ?? context.settings };
    }),
  },
}).createMachine({
  id: 'fleetMember',
  context: ({ input }) => {
    const registered: FleetMemberContext = {
      machineId: input.machineId,
      name: input.name,
      ip: input.ip,
      groupId: input.groupId,
      settings: input.settings,
      installed: [],
      pending: [],
      registeredAt: input.at,
      lastContact: input.at,
      restartRequired: false,
      failures: [],
      notes: [],
      checkIns: 0,
    };
    return input.checkIn ? withNotes({ ...registered, ...checkedIn(registered, input.checkIn) }) : registered;
  },
  initial: 'registered',
  on: {
    CHECKED_IN: settle('recordCheckIn'),
    CONTACTED: { actions: 'recordContact' },
    GROUP_CHANGED: { actions: 'changeGroup' },
    ...AGENT_EVENT_HANDLERS,
  },
  states: {
    // A member created with its first check-in settles at once.
    registered: {
      always: [
        { guard: 'checkedInWithErrors', target: 'errorState' },
        { guard: 'checkedInWithWork', target: 'needsAttention' },
        { guard: 'hasCheckedIn', target: 'upToDate' },
      ],
    },
    upToDate: {},
    needsAttention: {},
    errorState: {},
  },
});

function hasErrors(context: FleetMemberContext): boolean {
  return (
    context.failures.length > 0 || context.checkFailure !== undefined || context.agentError !== undefined
  );
}

function hasWork(context: FleetMemberContext): boolean {
  return context.pending.length > 0 || context.restartRequired;
}

/** The last (context, event) that `contextAfter` computed, and what it left. */
let lastAfter: { context: FleetMemberContext; event: FleetMemberEvent; next: FleetMemberContext } | undefined;

/**
 * The context `event` leaves, notes included. A pure function of its arguments, remembered for the
 * last pair only: the two guards and the assign of one transition ask for the same pair in turn,
 * and compute it once. This holds while the assign is the first thing a settling transition does
 * (no exit or entry actions on the settled states, nothing else in `actions` before it), so the
 * guards and the assign see the same context object; XState never changes a context in place, and
 * every assign makes a new one, so a repeated event object cannot meet a stale entry.
 */
function contextAfter(context: FleetMemberContext, event: FleetMemberEvent): FleetMemberContext {
  if (lastAfter !== undefined && lastAfter.context === context && lastAfter.event === event) {
    return lastAfter.next;
  }
  const effect =
    event.type === 'CHECKED_IN'
      ? checkedIn(context, event)
      : {
          ...lastEventOf(event as AgentEvent),
          ...REPORT_EFFECTS[event.type as SettlingReport](context, event as AgentEvent),
        };
  const next = withNotes({ ...context, ...effect });
  lastAfter = { context, event, next };
  return next;
}

function withNotes(context: FleetMemberContext): FleetMemberContext {
  context.notes = memberNotes(context);
  return context;
}

/** The member's record of the last agent event, with its number when the agent numbered it. */
function lastEventOf(agent: AgentEvent): Partial<FleetMemberContext> {
  const lastEvent = { type: agent.type, at: agent.at, updateId: agent.updateId };
  // isNewReport let it in, so a numbered report is above the last number.
  return agent.seq === undefined ? { lastEvent } : { lastEvent, eventSeq: agent.seq };
}

/** The reports that can change what a member needs. */
type SettlingReport = Exclude<
  AgentEventType,
  'download.started' | 'download.cancelled' | 'install.started' | 'install.cancelled'
>;

type ReportEffect = (context: FleetMemberContext, agent: AgentEvent) => Partial<FleetMemberContext>;

/** What each such report does to the context, besides noting it as the last event. */
const REPORT_EFFECTS: Record<SettlingReport, ReportEffect> = {
  'download.succeeded': (context, agent) => ({ failures: failuresAfterSuccess(context, agent) }),
  'download.failed': recordFailure,
  'install.succeeded': (context, agent) => ({
    failures: failuresAfterSuccess(context, agent),
    ...applied(context, agent, 'install'),
  }),
  'install.failed': recordFailure,
  'remove.succeeded': (context, agent) => ({
    failures: failuresAfterSuccess(context, agent),
    ...applied(context, agent, 'remove'),
  }),
  'remove.failed': recordFailure,
  'restart.required': () => ({ restartRequired: true }),
  'check.failed': (_context, agent) => ({
    checkFailure: agent.detail === undefined ? { at: agent.at } : { at: agent.at, detail: agent.detail },
  }),
};

function recordFailure(context: FleetMemberContext, agent: AgentEvent): Partial<FleetMemberContext> {
  const kind = FAILURE_KIND[agent.type as keyof typeof FAILURE_KIND];
  const updateId = agent.updateId ?? '*';
  const action = context.pending.find((pending) => pending.updateId === updateId);
  const failure: MemberFailure = { kind, updateId, at: agent.at };
  if (agent.detail !== undefined) failure.detail = agent.detail;
  if (action) failure.label = `${action.application} ${action.version}`;
  return {
    failures: [
      ...context.failures.filter((known) => known.updateId !== updateId || known.kind !== kind),
      failure,
    ],
  };
}

/** A success clears failures of the same step, and of every step when it is the install or removal. */
function failuresAfterSuccess(context: FleetMemberContext, agent: AgentEvent): MemberFailure[] {
  const updateId = agent.updateId ?? '*';
  const kind = agent.type.split('.')[0];
  return context.failures.filter(
    (failure) => failure.updateId !== updateId || (kind === 'download' && failure.kind !== 'download'),
  );
}

/** The inventory and pending actions after the planned `kind` of the reported update succeeded. */
function applied(
  context: FleetMemberContext,
  agent: AgentEvent,
  kind: 'install' | 'remove',
): Partial<FleetMemberContext> {
  const action = context.pending.find(
    (pending) => pending.kind === kind && pending.updateId === agent.updateId,
  );
  if (!action) return {};
  return {
    installed:
      kind === 'install'
        ? installedAfterInstall(context.installed, action)
        : installedAfterRemove(context.installed, action),
    pending: context.pending.filter((pending) => pending !== action),
  };
}

/** The context after a recorded check-in. */
function checkedIn(
  context: FleetMemberContext,
  checkIn: Omit<CheckedInEvent, 'type'>,
): Partial<FleetMemberContext> {
  const pendingIds = new Set(checkIn.pending.map((action) => action.updateId));
  return {
    name: checkIn.name,
    ip: checkIn.ip,
    agentVersion: checkIn.agentVersion,
    settings: checkIn.settings,
    installed: checkIn.installed,
    pending: checkIn.pending,
    lastContact: checkIn.at,
    restartRequired: checkIn.status.restartRequired,
    agentError: checkIn.status.lastError,
    // Reaching the provider proves the agent can; failures of updates no longer planned are moot.
    checkFailure: undefined,
    failures: context.failures.filter(
      (failure) => failure.updateId === '*' || pendingIds.has(failure.updateId),
    ),
    checkIns: context.checkIns + 1,
  };
}

/** The states a fleet member settles in. */
export type FleetMemberState = 'registered' | 'upToDate' | 'needsAttention' | 'errorState';

/**
 * The notes the report shows for a member: restart, failures, reachability, agent errors and pending
 * work. "not contacted since …" depends on the report's clock, so the report adds it.
 *
 * @example memberNotes(context) // ['restart required', 'install failed: Client 15.01.02.00 (exit code 1603)']
 */
export function memberNotes(context: FleetMemberContext): string[] {
  const notes: string[] = [];
  if (context.restartRequired) notes.push('restart required');
  for (const failure of context.failures) {
    const what = failure.label ?? (failure.updateId === '*' ? 'an update' : `update ${failure.updateId}`);
    notes.push(`${failure.kind} failed: ${what}${failure.detail ? ` (${failure.detail})` : ''}`);
  }
  if (context.checkFailure) {
    const detail = context.checkFailure.detail;
    notes.push(`agent reports it cannot reach a provider${detail ? ` (${detail})` : ''}`);
  }
  if (context.agentError !== undefined) notes.push(`agent error: ${context.agentError}`);
  const installs = context.pending.filter((action) => action.kind === 'install').length;
  const removals = context.pending.length - installs;
  if (installs > 0) notes.push(`${installs} update${installs === 1 ? '' : 's'} to install`);
  if (removals > 0) notes.push(`${removals} update${removals === 1 ? '' : 's'} to remove`);
  return notes;
}

/** The inventory after `action` (an install) succeeded: a new product, a new release, or one more update. */
export function installedAfterInstall(
  installed: readonly InstalledApplication[],
  action: MemberAction,
): InstalledApplication[] {
  const index = installed.findIndex((app) => app.upgradeCode === action.upgradeCode);
  if (index === -1) {
    return [
      ...installed,
      {
        upgradeCode: action.upgradeCode,
        productCode: action.productCode,
        application: action.application,
        productLine: action.productLine,
        version: action.version,
        updates: action.installType === 'Install' ? [] : [action.updateId],
      },
    ];
  }
  const app = installed[index]!;
  const next: InstalledApplication =
    action.installType === 'Install'
      ? { ...app, productCode: action.productCode, version: action.version, updates: [] }
      : {
          ...app,
          version:
            compareVersionKeys(versionKey(action.version), versionKey(app.version)) > 0
              ? action.version
              : app.version,
          updates: app.updates.includes(action.updateId) ? app.updates : [...app.updates, action.updateId],
        };
  return installed.map((entry, i) => (i === index ? next : entry));
}

/** The inventory after `action` (a removal) succeeded: rolled back to `rollbackTo`, or the product gone. */
export function installedAfterRemove(
  installed: readonly InstalledApplication[],
  action: MemberAction,
): InstalledApplication[] {
  return installed.flatMap((app) => {
    if (app.upgradeCode !== action.upgradeCode) return [app];
    if (action.rollbackTo === undefined) return [];
    return [
      {
        ...app,
        version: action.rollbackTo,
        updates: app.updates.filter((updateId) => updateId !== action.updateId),
      },
    ];
  });
}
