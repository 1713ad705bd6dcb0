import type { FleetMemberContext, MemberAction } from '../../machines/fleetMember.ts';
import type { Store } from '../../storage/Store.ts';
import type { Group, InstalledApplication } from '../domain/fleet.ts';
import type { MachineSettings } from '../domain/machineSettings.ts';
import { DEFAULT_GROUP_ID } from '../domain/machineSettings.ts';
import type { Update } from '../domain/update.ts';
import { versionKey } from '../domain/versionKey.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';
import type { ActivityEntry, ActivityLog } from './ActivityLog.ts';
import type { Catalog } from './Catalog.ts';
import type { Fleet, PlannedAction } from './Fleet.ts';
import type { Groups } from './Groups.ts';
import type { LastContacts } from './LastContacts.ts';
import type { MachineIndex } from './machineIndex.ts';
import { type ApplicationStatus, memberStatus, REPORT_STATUSES, type ReportStatus } from './memberStatus.ts';
import type { ProviderConfig } from './ProviderConfig.ts';

/** One row of the Machines list. */
export interface MachineSummary {
  id: string;
  name: string;
  ip?: string;
  group: { id: string; name: string };
  settings: MachineSettings;
  state: string;
  status: ReportStatus;
  lastContact: string;
}

/** The Machines page detail of one machine. */
export interface MachineDetail extends MachineSummary {
  agentVersion?: string;
  registeredAt: string;
  locked: boolean;
  installed: InstalledApplication[];
  /** What the plan against today's catalog would have the machine do. */
  pendingActions: PlannedAction[];
  notes: string[];
  restartRequired: boolean;
  applications: ApplicationStatus[];
  recentActivity: ActivityEntry[];
}

/** One machine in the report. */
export interface ReportRow {
  id: string;
  name: string;
  group: { id: string; name: string };
  lastContact: string;
  notes: string[];
  applications: ApplicationStatus[];
}

/** The report: machines in each status, by name. */
export type FleetReport = Record<ReportStatus, ReportRow[]>;

/** Counts behind `GET /api/v1/updates/:id/status`. */
export interface UpdateStatusCounts {
  activations: number;
  machines: { installed: number; pending: number; failed: number };
}

/** What the queries read. */
export interface FleetQueriesDeps {
  store: Store;
  host: ActorHost;
  fleet: Fleet;
  groups: Groups;
  config: ProviderConfig;
  index: MachineIndex;
  activity: ActivityLog;
  contacts: LastContacts;
  catalog: Catalog;
}

interface Member {
  id: string;
  state: string;
  context: FleetMemberContext;
}

/**
 * Read-side views of the fleet: the Machines list and detail, the status report and per-update
 * counts. Lists read the name index and one snapshot per row; the report and update counts walk every
 * machine snapshot once (an admin request, not the hot path) and plan each machine against the
 * current catalog index, so a newly GA update shows up before machines check in.
 *
 * @example await queries.report(new Date(Date.now() - 14 * 86_400_000))
 */
export class FleetQueries {
  readonly #deps: FleetQueriesDeps;
  readonly #now: () => Date;

  constructor(deps: FleetQueriesDeps, now: () => Date = () => new Date()) {
    this.#deps = deps;
    this.#now = now;
  }

  /** One page of machines by name, optionally within a group and/or by name prefix. */
  async list(options: {
    search?: string;
    groupId?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ machines: MachineSummary[]; nextCursor?: string }> {
    const page = await this.#deps.index.page(options);
    const machines: MachineSummary[] = [];
    for (const { id } of page.machines) {
      const member = await this.#member(id);
      if (member) machines.push((await this.#describe(member)).summary);
    }
    return { machines, nextCursor: page.nextCursor };
  }

  /** The detail of machine `id` (MACHINE_NOT_FOUND when unknown). */
  async detail(id: string): Promise<MachineDetail> {
    const snapshot = await this.#deps.fleet.requireSnapshot(id);
    const member: Member = { id, state: String(snapshot.value), context: snapshot.context };
    const { summary, status, plan, group } = await this.#describe(member);
    const { context } = member;
    const recent = await this.#deps.activity.query({ machine: id, limit: 20 });
    return {
      ...summary,
      agentVersion: context.agentVersion,
      registeredAt: context.registeredAt,
      locked: group.id !== DEFAULT_GROUP_ID,
      installed: context.installed,
      pendingActions: plan,
      notes: status.notes,
      restartRequired: context.restartRequired,
      applications: status.applications,
      recentActivity: recent.entries,
    };
  }

  /** Every machine last heard from at or after `since` (all when undefined), by report status. */
  async report(since?: Date): Promise<FleetReport> {
    const report: FleetReport = { ErrorState: [], NeedsAttention: [], UpToDate: [] };
    const contacts = await this.#deps.contacts.all();
    const now = this.#now();
    const staleAfterMs = this.#deps.config.settings.staleAfterMs;
    for await (const member of this.#members()) {
      const lastContact = Math.max(Date.parse(member.context.lastContact), contacts.get(member.id) ?? 0);
      if (since !== undefined && lastContact < since.getTime()) continue;
      const group = this.#groupOf(member.context);
      const plan = this.#deps.fleet.planFor(member.context.installed, group).map((planned) => planned.action);
      const status = memberStatus(
        member.context,
        plan,
        lastContact,
        now,
        staleAfterMs,
        this.#deps.config.licenseNote,
      );
      report[status.status].push({
        id: member.id,
        name: member.context.name,
        group: { id: group.id, name: group.name },
        lastContact: new Date(lastContact).toISOString(),
        notes: status.notes,
        applications: status.applications,
      });
    }
    for (const section of REPORT_STATUSES) report[section].sort((a, b) => a.name.localeCompare(b.name));
    return report;
  }

  /**
   * How many machines have update `id` installed (its version installed, or it is among the
   * updates applied), have it pending in their current plan, or reported it failed and have not
   * succeeded since. UPDATE_NOT_FOUND when unknown.
   */
  async updateStatus(id: string): Promise<UpdateStatusCounts> {
    const update = this.#deps.catalog.require(id);
    const machines = { installed: 0, pending: 0, failed: 0 };
    for await (const member of this.#members()) {
      const { context } = member;
      if (context.installed.some((app) => hasInstalled(app, update))) machines.installed++;
      if (context.failures.some((failure) => failure.updateId === id)) machines.failed++;
      const plan = this.#deps.fleet.planFor(context.installed, this.#groupOf(context));
      if (plan.some((planned) => planned.update.id === id)) machines.pending++;
    }
    return { activations: update.activations, machines };
  }

  async #describe(member: Member): Promise<{
    summary: MachineSummary;
    status: ReturnType<typeof memberStatus>;
    plan: PlannedAction[];
    group: Group;
  }> {
    const { context } = member;
    const group = this.#groupOf(context);
    const plan = this.#deps.fleet.planFor(context.installed, group);
    const lastContact = await this.#deps.fleet.lastContactOf(member.id, context);
    const actions: MemberAction[] = plan.map((planned) => planned.action);
    const status = memberStatus(
      context,
      actions,
      lastContact,
      this.#now(),
      this.#deps.config.settings.staleAfterMs,
      this.#deps.config.licenseNote,
    );
    const summary: MachineSummary = {
      id: member.id,
      name: context.name,
      ip: context.ip,
      group: { id: group.id, name: group.name },
      settings: context.settings,
      state: member.state,
      status: status.status,
      lastContact: new Date(lastContact).toISOString(),
    };
    return { summary, status, plan, group };
  }

  #groupOf(context: FleetMemberContext): Group {
    return this.#deps.groups.get(context.groupId) ?? this.#deps.groups.defaultGroup;
  }

  async #member(id: string): Promise<Member | undefined> {
    const snapshot = await this.#deps.host.peek('machine', id);
    if (snapshot === undefined) return undefined;
    return { id, state: String(snapshot.value), context: snapshot.context as unknown as FleetMemberContext };
  }

  /** Every machine, read from the store after a flush so every acknowledged change is included. */
  async *#members(): AsyncGenerator<Member> {
    await this.#deps.host.flush();
    const sublevel = this.#deps.store.sublevel('snapshots/machine');
    for await (const [id, snapshot] of sublevel.iterator() as AsyncIterable<
      [string, { value: unknown; context: FleetMemberContext }]
    >) {
      yield { id, state: String(snapshot.value), context: snapshot.context };
    }
  }
}

/** True when `app` has `update`: a release Install of the same release, or the update applied. */
function hasInstalled(app: InstalledApplication, update: Update): boolean {
  if (app.upgradeCode !== update.upgradeCode) return false;
  if (app.updates.includes(update.id) || app.version === update.version) return true;
  if (update.installType !== 'Install') return false;
  return versionKey(app.version).release === versionKey(update.version).release;
}
