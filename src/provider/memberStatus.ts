import { type FleetMemberContext, type MemberAction, memberNotes } from '../../machines/fleetMember.ts';
import { compareVersionKeys, versionKey } from '../domain/versionKey.ts';

/** The three report sections (API.md "Report"). */
export const REPORT_STATUSES = ['ErrorState', 'NeedsAttention', 'UpToDate'] as const;
/** One report status. */
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** One application of one machine in the report: what it has against what the provider offers. */
export interface ApplicationStatus {
  application: string;
  productLine: string;
  upgradeCode: string;
  /** null when the plan installs a product the machine lacks (a related install). */
  installedVersion: string | null;
  /** null when the plan uninstalls the product. */
  availableVersion: string | null;
  status: ReportStatus;
}

/** A machine's report status, the notes that explain it, and its applications. */
export interface MemberStatus {
  status: ReportStatus;
  notes: string[];
  applications: ApplicationStatus[];
}

/**
 * Classifies a machine for the report (the rules are in docs/fleet.md):
 * 1. **ErrorState** when the agent reported a download/install/remove failure not resolved since, a
 *    failed check, an error in its check-in status, when it has not checked in for `staleAfterMs`
 *    ("not contacted since …"), or when a license withholds updates (`licenseNote`, e.g. "license
 *    does not allow updates");
 * 2. otherwise **NeedsAttention** when the current plan (against today's catalog) has actions, or
 *    a restart is required;
 * 3. otherwise **UpToDate**.
 * Per application, the available version is where the plan takes it (the newest install, or the
 * rollback target of a removal); it is ErrorState when one of its updates failed.
 *
 * @example memberStatus(context, plan, Date.parse(context.lastContact), new Date(), 86_400_000).status // 'UpToDate'
 */
export function memberStatus(
  context: FleetMemberContext,
  plan: readonly MemberAction[],
  lastContactMs: number,
  now: Date,
  staleAfterMs: number,
  licenseNote?: string,
): MemberStatus {
  const notes = memberNotes({ ...context, pending: [...plan] });
  const stale = now.getTime() - lastContactMs > staleAfterMs;
  if (stale) notes.unshift(`not contacted since ${new Date(lastContactMs).toISOString()}`);
  // A license without the updates feature leaves every machine unable to update: an error state.
  if (licenseNote !== undefined) notes.unshift(licenseNote);
  const failing =
    licenseNote !== undefined ||
    stale ||
    context.failures.length > 0 ||
    context.checkFailure !== undefined ||
    context.agentError !== undefined;
  const status: ReportStatus = failing
    ? 'ErrorState'
    : plan.length > 0 || context.restartRequired
      ? 'NeedsAttention'
      : 'UpToDate';
  return { status, notes, applications: applicationStatuses(context, plan) };
}

function applicationStatuses(
  context: FleetMemberContext,
  plan: readonly MemberAction[],
): ApplicationStatus[] {
  const failedIds = new Set(context.failures.map((failure) => failure.updateId));
  const rows = new Map<string, ApplicationStatus>();
  for (const app of context.installed) {
    const known = rows.get(app.upgradeCode);
    if (known && compareVersionKeys(versionKey(known.installedVersion!), versionKey(app.version)) >= 0)
      continue;
    rows.set(app.upgradeCode, {
      application: app.application,
      productLine: app.productLine,
      upgradeCode: app.upgradeCode,
      installedVersion: app.version,
      availableVersion: app.version,
      status: 'UpToDate',
    });
  }
  const failedProducts = new Set<string>();
  const removed = new Map<string, string | null>();
  const installedTo = new Map<string, MemberAction>();
  for (const action of plan) {
    if (failedIds.has(action.updateId)) failedProducts.add(action.upgradeCode);
    if (action.kind === 'remove') {
      // Removals come newest first, so the last one seen is where the product ends up.
      removed.set(action.upgradeCode, action.rollbackTo ?? null);
      continue;
    }
    const best = installedTo.get(action.upgradeCode);
    if (!best || compareVersionKeys(versionKey(action.version), versionKey(best.version)) > 0) {
      installedTo.set(action.upgradeCode, action);
    }
  }
  for (const [code, rollbackTo] of removed) {
    const row = rows.get(code);
    if (row) row.availableVersion = rollbackTo;
  }
  for (const [code, action] of installedTo) {
    const row = rows.get(code);
    if (row) row.availableVersion = action.version;
    else {
      rows.set(code, {
        application: action.application,
        productLine: action.productLine,
        upgradeCode: code,
        installedVersion: null,
        availableVersion: action.version,
        status: 'UpToDate',
      });
    }
  }
  for (const row of rows.values()) {
    row.status = failedProducts.has(row.upgradeCode)
      ? 'ErrorState'
      : row.availableVersion !== row.installedVersion
        ? 'NeedsAttention'
        : 'UpToDate';
  }
  return [...rows.values()];
}
