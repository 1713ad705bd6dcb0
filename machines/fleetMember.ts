import { assign, setup } from 'xstate';
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

/** An agent report's handler, taken only when the report is not a resend (see `eventSeq`). */
function reported<const T extends object>(handler: T): T & { guard: 'isNewReport' } {
  return { guard: 'isNewReport', ...handler };
}

/** Everything the agent reports goes through the same two actions; listed once for the config. */
const AGENT_EVENT_HANDLERS = {
  'download.started': reported({ actions: 'recordAgentEvent' }),
  'download.succeeded': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'clearFailures'] }),
  'download.failed': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'recordFailure'] }),
  'download.cancelled': reported({ actions: 'recordAgentEvent' }),
  'install.started': reported({ actions: 'recordAgentEvent' }),
  'install.succeeded': reported({
    target: '.evaluating',
    actions: ['recordAgentEvent', 'clearFailures', 'applyInstall'],
  }),
  'install.failed': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'recordFailure'] }),
  'install.cancelled': reported({ actions: 'recordAgentEvent' }),
  'remove.succeeded': reported({
    target: '.evaluating',
    actions: ['recordAgentEvent', 'clearFailures', 'applyRemove'],
  }),
  'remove.failed': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'recordFailure'] }),
  'restart.required': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'requireRestart'] }),
  'check.failed': reported({ target: '.evaluating', actions: ['recordAgentEvent', 'recordCheckFailure'] }),
} as const;

/**
 * One enrolled machine on the provider (ARCHITECTURE.md, "Machines"). Every event updates the
 * context, then `evaluating` picks the state by named guards:
 * - `errorState` when `hasErrors`: an unresolved download/install/remove failure, a reported
 *   `check.failed`, or an error in the agent's check-in status;
 * - `needsAttention` when `hasWork`: actions pending or a restart required;
 * - `upToDate` otherwise. `registered` holds only between creation and the first check-in.
 * `CONTACTED` (last contact only) and `GROUP_CHANGED` keep the state. Pure: times come in events.
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
    hasErrors: ({ context }) =>
      context.failures.length > 0 || context.checkFailure !== undefined || context.agentError !== undefined,
    hasWork: ({ context }) => context.pending.length > 0 || context.restartRequired,
    hasCheckedIn: ({ context }) => context.checkIns > 0,
    isNewReport: ({ context, event }) => {
      const seq = (event as AgentEvent).seq;
      return seq === undefined || seq > (context.eventSeq ?? 0);
    },
  },
  actions: {
    recordCheckIn: assign(({ context, event }) => checkedIn(context, event as CheckedInEvent)),
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
    recordAgentEvent: assign(({ event }) => {
      const agent = event as AgentEvent;
      const lastEvent = { type: agent.type, at: agent.at, updateId: agent.updateId };
      // isNewReport let it in, so a numbered report is above the last number.
      return agent.seq === undefined ? { lastEvent } : { lastEvent, eventSeq: agent.seq };
    }),
    recordFailure: assign(({ context, event }) => {
      const agent = event as AgentEvent;
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
    }),
    clearFailures: assign(({ context, event }) => {
      const agent = event as AgentEvent;
      const updateId = agent.updateId ?? '*';
      const kind = agent.type.split('.')[0];
      // A success clears failures of the same step, and of every step when it is the install or removal.
      return {
        failures: context.failures.filter(
          (failure) => failure.updateId !== updateId || (kind === 'download' && failure.kind !== 'download'),
        ),
      };
    }),
    applyInstall: assign(({ context, event }) => {
      const updateId = (event as AgentEvent).updateId;
      const action = context.pending.find(
        (pending) => pending.kind === 'install' && pending.updateId === updateId,
      );
      if (!action) return {};
      return {
        installed: installedAfterInstall(context.installed, action),
        pending: context.pending.filter((pending) => pending !== action),
      };
    }),
    applyRemove: assign(({ context, event }) => {
      const updateId = (event as AgentEvent).updateId;
      const action = context.pending.find(
        (pending) => pending.kind === 'remove' && pending.updateId === updateId,
      );
      if (!action) return {};
      return {
        installed: installedAfterRemove(context.installed, action),
        pending: context.pending.filter((pending) => pending !== action),
      };
    }),
    requireRestart: assign({ restartRequired: true }),
    recordCheckFailure: assign(({ event }) => {
      const agent = event as AgentEvent;
      return {
        checkFailure: agent.detail === undefined ? { at: agent.at } : { at: agent.at, detail: agent.detail },
      };
    }),
    refreshNotes: assign(({ context }) => ({ notes: memberNotes(context) })),
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
    return input.checkIn ? { ...registered, ...checkedIn(registered, input.checkIn) } : registered;
  },
  initial: 'registered',
  on: {
    CHECKED_IN: { target: '.evaluating', actions: 'recordCheckIn' },
    CONTACTED: { actions: 'recordContact' },
    GROUP_CHANGED: { actions: 'changeGroup' },
    ...AGENT_EVENT_HANDLERS,
  },
  states: {
    // A member created with its first check-in is evaluated at once.
    registered: { always: { guard: 'hasCheckedIn', target: 'evaluating' } },
    evaluating: {
      entry: 'refreshNotes',
      always: [
        { guard: 'hasErrors', target: 'errorState' },
        { guard: 'hasWork', target: 'needsAttention' },
        { target: 'upToDate' },
      ],
    },
    upToDate: {},
    needsAttention: {},
    errorState: {},
  },
});

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
