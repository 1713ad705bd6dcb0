import type { SnapshotFrom } from 'xstate';
import type { FleetMemberContext, fleetMember, MemberAction } from '../../machines/fleetMember.ts';
import type { StoreOp } from '../../storage/Store.ts';
import type { AgentEvent } from '../domain/agentEvents.ts';
import type { CatalogIndex } from '../domain/catalogIndex.ts';
import type { Group, InstalledApplication } from '../domain/fleet.ts';
import { fnv1a64 } from '../domain/fnv1a64.ts';
import { DEFAULT_GROUP_ID, groupSettings, type MachineSettings } from '../domain/machineSettings.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { planActions } from '../domain/planActions.ts';
import { planEtag } from '../domain/planEtag.ts';
import type { Update } from '../domain/update.ts';
import type { ActorHost, PersistedSnapshot } from '../runtime/ActorHost.ts';
import type { ActivityEntry, ActivityLog } from './ActivityLog.ts';
import type { Catalog, PendingActivation } from './Catalog.ts';
import type { EventSequences } from './EventSequences.ts';
import type { Groups } from './Groups.ts';
import type { LastContacts } from './LastContacts.ts';
import { type DirectoryEntry, MachineDirectory } from './MachineDirectory.ts';
import type { IndexedIdentity, MachineIndex } from './machineIndex.ts';
import type { PlanIndex } from './PlanIndex.ts';
import type { ProviderConfig } from './ProviderConfig.ts';

/** A check-in as the agent sends it (API.md), already validated. */
export interface CheckInReport {
  machine: { id: string; name: string; ip?: string; agentVersion?: string };
  settings: MachineSettings;
  installed: InstalledApplication[];
  status: { restartRequired: boolean; lastError?: string };
  planEtag?: string;
}

/** One action of a reply, with the catalog update it installs or removes. */
export interface PlannedAction {
  action: MemberAction;
  update: Update;
}

/** What the check-in answers; `actions` is present unless `unchanged`. */
export interface CheckInAnswer {
  serverTime: string;
  unchanged: boolean;
  planEtag: string;
  group: { id: string; name: string; locked: boolean };
  settings: MachineSettings;
  checkInterval: { minMs: number; maxMs: number };
  providers: string[];
  actions?: PlannedAction[];
}

/** What the fleet works with. */
export interface FleetDeps {
  host: ActorHost;
  catalog: Catalog;
  planIndex: PlanIndex;
  groups: Groups;
  config: ProviderConfig;
  activity: ActivityLog;
  index: MachineIndex;
  contacts: LastContacts;
  /** Drops resent agent events (those at or below the machine's last stored `seq`). */
  sequences?: EventSequences;
}

/** Fleet tuning. */
export interface FleetOptions {
  /** Most machines whose check-in state is kept in memory (default 1,000,000). */
  directoryCapacity?: number;
  now?: () => Date;
}

type MemberSnapshot = { value: unknown; context: FleetMemberContext };

/** A plan and its etag, shared by every machine with the same plan key. */
type SharedPlan = { actions: PlannedAction[]; etag: string };

/** Most distinct plans kept for one catalog generation. */
const SHARED_PLANS = 10_000;

/**
 * The provider's view of its machines (issue #3): check-ins, agent events and group membership.
 * Each machine is a `machine` actor (machines/fleetMember.ts); its snapshot, its index entries and
 * the activity it causes are committed in one batch.
 *
 * The check-in is the hot path. An unchanged check-in — same report, same plan inputs (catalog index
 * generation, group and config versions, inventory hash) — is answered from the in-memory directory
 * without computing the plan and without touching the store; only its last-contact time is noted
 * (see LastContacts). Anything else is recorded through the actor before the reply.
 *
 * @example const answer = await fleet.checkIn(report)
 */
export class Fleet {
  readonly directory: MachineDirectory;
  readonly #deps: FleetDeps;
  readonly #plans = new Map<string, SharedPlan>();
  #plansGeneration = -1;
  readonly #now: () => Date;

  constructor(deps: FleetDeps, options: FleetOptions = {}) {
    this.#deps = deps;
    this.directory = new MachineDirectory(options.directoryCapacity ?? 1_000_000);
    this.#now = options.now ?? (() => new Date());
  }

  /** Registers (first contact) or updates a machine from its check-in and answers with its plan. */
  async checkIn(report: CheckInReport): Promise<CheckInAnswer> {
    const { groups, config, planIndex } = this.#deps;
    const now = this.#now();
    const id = report.machine.id;
    const cached = this.directory.get(id);
    const entry = cached ?? (await this.#loadEntry(id));
    const isNew = entry === undefined;
    const group = groups.get(entry?.groupId ?? DEFAULT_GROUP_ID) ?? groups.defaultGroup;
    const locked = group.id !== DEFAULT_GROUP_ID;
    // First contact takes the default group's settings; later a default-group machine keeps its own.
    const settings = locked || isNew ? groupSettings(group) : report.settings;
    const inventoryHash = fnv1a64(JSON.stringify(report.installed));
    const { index, generation } = planIndex.current();
    // Hashed, so the directory keeps 8 bytes of it per machine.
    const planKey = fnv1a64(
      `${generation}:${group.id}:${groups.version(group.id)}:${config.version}:${inventoryHash}`,
    );
    const plan = () => this.#sharedPlan(planKey, generation, report.installed, group, index);
    let actions: PlannedAction[] | undefined;
    let etag: string;
    if (entry !== undefined && entry.planKey === planKey) {
      etag = entry.planEtag;
    } else {
      ({ actions, etag } = plan());
    }
    const { machine, status } = report;
    const recordKey = recordKeyOf(machine, status, settings, group.id, inventoryHash);
    if (entry !== undefined && entry.recordKey === recordKey && entry.planEtag === etag) {
      if (cached) this.directory.touch(id, planKey, now.getTime());
      else this.directory.set(id, { ...entry, planKey, lastContact: now.getTime() });
      this.#deps.contacts.touch(id, now.getTime());
    } else {
      actions ??= plan().actions;
      this.directory.set(id, {
        groupId: group.id,
        recordKey,
        planKey,
        planEtag: etag,
        lastContact: now.getTime(),
      });
      await this.#record(report, group, settings, actions, now, isNew);
    }
    const unchanged = report.planEtag === etag;
    if (!unchanged) actions ??= plan().actions;
    return {
      serverTime: now.toISOString(),
      unchanged,
      planEtag: etag,
      group: { id: group.id, name: group.name, locked },
      settings,
      checkInterval: config.settings.checkInterval,
      providers: group.providers,
      actions: unchanged ? undefined : actions,
    };
  }

  /**
   * Records agent events in order: each drives the machine's actor and adds an activity entry, and
   * the lot is committed in one batch (one snapshot write for a POST, however many events it
   * carries); `install.succeeded` counts an activation of its update in that same batch. A resent report (its `seq` at
   * or below the machine's `eventSeq`) changes nothing and is not logged again. An unknown machine is
   * MACHINE_NOT_FOUND before anything is stored.
   */
  async recordEvents(machineId: string, events: AgentEvent[]): Promise<void> {
    const { host, activity } = this.#deps;
    const { index } = this.#deps.planIndex.current();
    const activations: PendingActivation[] = [];
    let snapshot: SnapshotFrom<typeof fleetMember>;
    let entryInTurn: DirectoryEntry | undefined;
    try {
      snapshot = await host.sendAll<typeof fleetMember>(
        'machine',
        machineId,
        async (current) => {
          const floor = await this.#storedEventFloor(machineId, current.context, events);
          entryInTurn = this.directory.get(machineId);
          return events.filter((event) => event.seq === undefined || event.seq > floor);
        },
        {
          alsoWrite: (snapshot, _previous, event) => {
            const agentEvent = event as AgentEvent;
            const ops = activity.entryOps(describeAgentEvent(agentEvent, snapshot.context, index));
            const activation =
              agentEvent.type === 'install.succeeded' && agentEvent.updateId !== undefined
                ? this.#deps.catalog.activationOp(agentEvent.updateId)
                : undefined;
            if (activation === undefined) return ops;
            activations.push(activation);
            return [...ops, activation.op];
          },
        },
      );
    } catch (error) {
      for (const activation of activations) activation.settle(false);
      throw error instanceof PatchbayError && error.code === 'MACHINE_NOT_FOUND'
        ? notFound(machineId)
        : error;
    }
    for (const activation of activations) activation.settle(true);
    // What the events changed (an install, a removal) is what the agent's next check-in will report:
    // keyed from the committed snapshot, that check-in is answered from memory, not recorded again.
    // Only while nothing came after the events: a check-in that got in meanwhile keyed the entry for
    // a report this snapshot does not hold yet, and must not be taken for recorded.
    const entryNow = this.directory.get(machineId);
    if (sameEntry(entryInTurn, entryNow) && host.isLatest('machine', machineId, snapshot)) {
      this.directory.set(machineId, {
        ...entryOfSnapshot(snapshot as MemberSnapshot),
        lastContact: entryNow?.lastContact ?? Date.parse(snapshot.context.lastContact),
      });
    } else this.directory.invalidate(machineId);
  }

  /**
   * The event number a machine reached before members kept their own (`eventSeq`): stored apart, in
   * `agentEventSeq`, by earlier versions. Read only for numbered events of a member without one.
   */
  async #storedEventFloor(
    machineId: string,
    context: FleetMemberContext,
    events: AgentEvent[],
  ): Promise<number> {
    const { sequences } = this.#deps;
    if (sequences === undefined || context.eventSeq !== undefined) return 0;
    return events.some((event) => event.seq !== undefined) ? sequences.last(machineId) : 0;
  }

  /**
   * Moves machines into group `groupId`, out of whatever group they were in. Every id is checked
   * first (MACHINE_NOT_FOUND), so an unknown id moves nothing. In a group other than default the
   * group's settings replace the machine's; moved back to default a machine keeps what it had.
   */
  async moveMachines(groupId: string, machineIds: string[]): Promise<void> {
    const group = this.#deps.groups.require(groupId);
    const unique = [...new Set(machineIds)];
    for (const id of unique) await this.requireSnapshot(id);
    await Promise.all(unique.map((id) => this.#moveOne(id, group)));
  }

  /** Sends one member of `groupId` back to the default group; MACHINE_NOT_FOUND when it is not a member. */
  async removeMember(groupId: string, machineId: string): Promise<void> {
    this.#deps.groups.require(groupId);
    const snapshot = await this.requireSnapshot(machineId);
    if (snapshot.context.groupId !== groupId) {
      throw new PatchbayError(`machine ${machineId} is not in group ${groupId}`, {
        code: 'MACHINE_NOT_FOUND',
        details: { id: machineId, groupId },
      });
    }
    if (groupId === DEFAULT_GROUP_ID) return;
    await this.#moveOne(machineId, this.#deps.groups.defaultGroup);
  }

  /** Deletes a group after moving its members to default (GROUP_PROTECTED for default). */
  async deleteGroup(groupId: string): Promise<Group> {
    const { groups, index } = this.#deps;
    if (groupId === DEFAULT_GROUP_ID) {
      throw new PatchbayError('the default group cannot be deleted', {
        code: 'GROUP_PROTECTED',
        details: { id: groupId },
      });
    }
    groups.require(groupId);
    // Members move one atomic batch each; if the process stops half-way the group still exists
    // with the rest, and deleting it again finishes the job.
    for (const id of await index.memberIds(groupId)) await this.#moveOne(id, groups.defaultGroup);
    return groups.delete(groupId);
  }

  /** The snapshot of machine `id`; throws MACHINE_NOT_FOUND. */
  async requireSnapshot(id: string): Promise<MemberSnapshot & PersistedSnapshot> {
    const snapshot = await this.#deps.host.peek('machine', id);
    if (snapshot === undefined) throw notFound(id);
    return snapshot as unknown as MemberSnapshot & PersistedSnapshot;
  }

  /** The plan for `installed` under `group` against the current catalog, enriched for the inventory. */
  planFor(installed: readonly InstalledApplication[], group: Group): PlannedAction[] {
    return this.#plan(installed, group, this.#deps.planIndex.current().index);
  }

  /** The last contact of machine `id` as epoch ms: the newer of its snapshot's and the coalesced one. */
  async lastContactOf(id: string, context: FleetMemberContext): Promise<number> {
    const recorded = Date.parse(context.lastContact);
    const touched = this.directory.get(id)?.lastContact ?? (await this.#deps.contacts.get(id));
    return touched === undefined ? recorded : Math.max(recorded, touched);
  }

  /**
   * The plan for a plan key, computed once per catalog generation: the key hashes every input of
   * the plan (generation, group and its version, config version, inventory), and machines with the
   * same inventory in the same group are many, so after a release each distinct plan is computed
   * once, not once per machine. The arrays are shared between replies and must not be changed.
   */
  #sharedPlan(
    planKey: string,
    generation: number,
    installed: readonly InstalledApplication[],
    group: Group,
    index: CatalogIndex,
  ): SharedPlan {
    if (generation !== this.#plansGeneration) {
      this.#plans.clear();
      this.#plansGeneration = generation;
    }
    let plan = this.#plans.get(planKey);
    if (plan === undefined) {
      const actions = Object.freeze(this.#plan(installed, group, index)) as PlannedAction[];
      plan = { actions, etag: planEtag(actions.map((planned) => planned.action)) };
      // Bounded: a fleet of mostly distinct inventories just starts over.
      if (this.#plans.size >= SHARED_PLANS) this.#plans.clear();
      this.#plans.set(planKey, plan);
    }
    return plan;
  }

  #plan(installed: readonly InstalledApplication[], group: Group, index: CatalogIndex): PlannedAction[] {
    const actions = planActions(installed, index, group, this.#deps.config.policy);
    return actions.map((action) => {
      const update = index.updates.get(action.updateId)!.update;
      return {
        action: {
          ...action,
          application: update.application,
          productLine: update.productLine,
          productCode: update.productCode,
        },
        update,
      };
    });
  }

  async #loadEntry(id: string): Promise<DirectoryEntry | undefined> {
    const snapshot = (await this.#deps.host.peek('machine', id)) as MemberSnapshot | undefined;
    return snapshot === undefined ? undefined : entryOfSnapshot(snapshot);
  }

  /**
   * Records a check-in in the machine's actor and resolves once its snapshot is committed: the reply
   * acknowledges what the provider now holds about the machine, so it must be durable. Group commit
   * keeps this cheap: many machines' check-ins share one LevelDB batch.
   */
  async #record(
    report: CheckInReport,
    group: Group,
    settings: MachineSettings,
    actions: PlannedAction[],
    now: Date,
    isNew: boolean,
  ): Promise<void> {
    const { host } = this.#deps;
    const at = now.toISOString();
    const { machine } = report;
    const checkIn = {
      at,
      name: machine.name,
      ip: machine.ip,
      agentVersion: machine.agentVersion,
      settings,
      installed: report.installed,
      status: report.status,
      pending: actions.map((planned) => planned.action),
    };
    if (isNew) {
      const created = await host.create<typeof fleetMember>(
        'machine',
        machine.id,
        {
          machineId: machine.id,
          name: machine.name,
          ip: machine.ip,
          groupId: group.id,
          settings,
          at,
          checkIn,
        },
        (snapshot) => this.#recordOps(snapshot as MemberSnapshot, undefined),
      );
      // Another check-in created it first: record this one as well, after it.
      if (created.context.registeredAt === at) return;
    }
    const recording = host
      .send<typeof fleetMember>(
        'machine',
        machine.id,
        { type: 'CHECKED_IN', ...checkIn },
        { alsoWrite: (snapshot, previous) => this.#recordOps(snapshot, previous) },
      )
      .then(
        (snapshot) => {
          // A move that raced this check-in leaves the remembered group stale: record again next time.
          if (snapshot.context.groupId !== group.id) this.directory.invalidate(machine.id);
        },
        (error: unknown) => {
          this.directory.invalidate(machine.id);
          throw error;
        },
      );
    await recording;
  }

  /** Index and activity writes that go with a recorded check-in (`previous` undefined: a new machine). */
  #recordOps(snapshot: MemberSnapshot, previous: MemberSnapshot | undefined): StoreOp[] {
    const { index, activity } = this.#deps;
    const context = snapshot.context;
    const firstCheckIn = previous === undefined || previous.value === 'registered';
    const ops: StoreOp[] = index.moveOps(
      firstCheckIn ? undefined : identityOf(previous.context),
      identityOf(context),
    );
    if (firstCheckIn) {
      ops.push(
        ...activity.entryOps({
          type: 'machine.registered',
          machineId: context.machineId,
          machineName: context.name,
          groupId: context.groupId,
          description: `machine ${context.name} checked in for the first time`,
        }),
      );
    }
    const error = context.agentError;
    if (error !== undefined && error !== previous?.context.agentError) {
      ops.push(
        ...activity.entryOps({
          type: 'agent.error',
          machineId: context.machineId,
          machineName: context.name,
          detail: error,
          description: `agent reports an error: ${error}`,
        }),
      );
    }
    return ops;
  }

  async #moveOne(id: string, group: Group): Promise<void> {
    const { host, index, activity } = this.#deps;
    const at = this.#now().toISOString();
    await host.send<typeof fleetMember>(
      'machine',
      id,
      {
        type: 'GROUP_CHANGED',
        groupId: group.id,
        settings: group.id === DEFAULT_GROUP_ID ? undefined : groupSettings(group),
        at,
      },
      {
        alsoWrite: (snapshot, previous) => {
          const before = previous?.context;
          const after = snapshot.context;
          if (before?.groupId === after.groupId) return [];
          return [
            ...index.moveOps(
              previous?.value === 'registered' ? undefined : identityOf(before!),
              identityOf(after),
            ),
            ...activity.entryOps({
              type: 'machine.moved',
              machineId: id,
              machineName: after.name,
              groupId: after.groupId,
              changes: { group: { from: before?.groupId, to: after.groupId } },
              description: `machine ${after.name} moved from group ${before?.groupId} to ${after.groupId}`,
            }),
          ];
        },
      },
    );
    this.directory.moveTo(id, group.id);
  }
}

/**
 * The key of what a recorded check-in stores besides the plan: identity, status, settings, group
 * and the inventory's hash. Computed from a report, or from a snapshot after a restart.
 */
function recordKeyOf(
  machine: { name: string; ip?: string; agentVersion?: string },
  status: CheckInReport['status'],
  settings: MachineSettings,
  groupId: string,
  inventoryHash: string,
): string {
  const described = [
    machine.name,
    machine.ip ?? null,
    machine.agentVersion ?? null,
    status,
    settings,
    groupId,
  ];
  return fnv1a64(JSON.stringify(described)) + inventoryHash;
}

/**
 * The directory entry a machine's snapshot implies: the keys its last recorded check-in would have,
 * so that a report matching what the provider holds is answered from memory (after a restart, or
 * after events that changed the inventory as the agent will report it). A machine never checked
 * in, or with failures or a check failure that only a recorded check-in clears, is recorded ('' matches
 * nothing). The plan key is left empty: the plan is computed again, which writes nothing.
 */
function entryOfSnapshot(snapshot: MemberSnapshot): DirectoryEntry {
  const context = snapshot.context;
  const recorded =
    snapshot.value !== 'registered' &&
    context.checkIns > 0 &&
    context.checkFailure === undefined &&
    context.failures.length === 0;
  const status: CheckInReport['status'] = { restartRequired: context.restartRequired };
  if (context.agentError !== undefined) status.lastError = context.agentError;
  return {
    groupId: context.groupId,
    recordKey: recorded
      ? recordKeyOf(
          context,
          status,
          context.settings,
          context.groupId,
          fnv1a64(JSON.stringify(context.installed)),
        )
      : '',
    planKey: '',
    planEtag: recorded ? planEtag(context.pending) : '',
    lastContact: Date.parse(context.lastContact),
  };
}

function sameEntry(a: DirectoryEntry | undefined, b: DirectoryEntry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.groupId === b.groupId &&
    a.recordKey === b.recordKey &&
    a.planKey === b.planKey &&
    a.planEtag === b.planEtag &&
    a.lastContact === b.lastContact
  );
}

function notFound(id: string): PatchbayError {
  return new PatchbayError(`no machine ${id}`, { code: 'MACHINE_NOT_FOUND', details: { id } });
}

function identityOf(context: FleetMemberContext): IndexedIdentity {
  return { id: context.machineId, name: context.name, groupId: context.groupId };
}

/** The activity entry of one agent event, with the update's product and release when it is known. */
function describeAgentEvent(
  event: AgentEvent,
  context: FleetMemberContext,
  index: CatalogIndex,
): Omit<ActivityEntry, 'id' | 'at'> {
  const update = event.updateId === undefined ? undefined : index.updates.get(event.updateId)?.update;
  const what = update
    ? `${update.application} ${update.release} ${update.patch}`
    : event.updateId !== undefined
      ? `update ${event.updateId}`
      : undefined;
  const verb = event.type.replace('.', ' ');
  const entry: Omit<ActivityEntry, 'id' | 'at'> = {
    type: event.type,
    machineId: context.machineId,
    machineName: context.name,
    reportedAt: event.at,
    description: `${verb}${what ? `: ${what}` : ''}${event.detail ? ` (${event.detail})` : ''}`,
  };
  if (event.updateId !== undefined) entry.updateId = event.updateId;
  if (event.detail !== undefined) entry.detail = event.detail;
  if (update) {
    entry.application = update.application;
    entry.release = update.release;
    entry.patch = update.patch;
    entry.version = update.version;
  }
  return entry;
}
