import type { FailureInfo } from '../src/domain/agentEvent.ts';
import type { GroupMode, InstallDay } from '../src/domain/fleet.ts';

/** An update as the check-in reply carries it (API.md `Update & { urls }`), reduced to what the agent uses. */
export interface PlannedUpdate {
  id: string;
  application: string;
  productLine: string;
  version: string;
  upgradeCode: string;
  productCode: string;
  installType: 'Install' | 'Patch' | 'ES';
  installProperties: Record<string, string>;
  sha256: string;
  size: number;
  signed: boolean;
  signature?: string;
  urls: string[];
}

/** One action of the provider's plan for this machine, in the provider's order. */
export interface PlanAction {
  kind: 'install' | 'remove';
  highPriority: boolean;
  update: PlannedUpdate;
}

/** The settings that drive the client: mode, install window, check interval. */
export interface ClientSettings {
  mode: GroupMode;
  installDay: InstallDay;
  installHour: number;
  checkInterval: { minMs: number; maxMs: number };
}

/** What the `checkIn` actor resolves with (the parsed `POST /agent/v1/checkin` reply). */
export interface CheckInResult {
  unchanged?: boolean;
  planEtag?: string;
  group: { id: string; name: string; locked: boolean };
  settings: ClientSettings;
  providers: string[];
  actions?: PlanAction[];
}

/** Where an action stands on this machine between checks. */
export type ItemPhase = 'pending' | 'downloaded' | 'failed';

/** A plan action plus its local progress. */
export interface ClientItem {
  action: PlanAction;
  phase: ItemPhase;
  error?: FailureInfo;
}

/** How one download or install task ended, as the queue actors report it. */
export interface TaskResult {
  id: string;
  status: 'succeeded' | 'restartRequired' | 'failed' | 'cancelled' | 'interrupted';
  error?: FailureInfo;
}

/** What the `downloadUpdates` and `installUpdates` actors resolve with. */
export interface TaskResults {
  results: TaskResult[];
}

/** The provider list in use: the group's providers while they work, else the configured ones. */
export function activeProviders(context: {
  groupProviders: string[];
  configuredProviders: string[];
}): string[] {
  return context.groupProviders.length > 0 ? context.groupProviders : context.configuredProviders;
}

/**
 * Replaces the items by a new plan, keeping what is already known locally (a finished download)
 * for actions still in it. Failed items start over: a new check is a new chance.
 */
export function mergePlan(items: ClientItem[], actions: PlanAction[]): ClientItem[] {
  const known = new Map(items.map((item) => [item.action.update.id, item]));
  return actions.map((action) => {
    const previous = known.get(action.update.id);
    const phase = previous?.phase === 'downloaded' && action.kind === 'install' ? 'downloaded' : 'pending';
    return { action, phase };
  });
}

/** True when an item can be installed (or removed) without downloading first. */
export function isReadyItem(item: ClientItem): boolean {
  return item.phase === 'downloaded' || (item.action.kind === 'remove' && item.phase === 'pending');
}

/** True when an item still needs its bytes. */
export function needsDownload(item: ClientItem): boolean {
  return item.action.kind === 'install' && item.phase !== 'downloaded';
}

/** Removals are forced by the provider (the manual's Remove state overrides local settings). */
export function isForced(item: ClientItem): boolean {
  return item.action.kind === 'remove' && item.phase !== 'failed';
}

/** A High Priority action not yet failed. */
export function isHighPriority(item: ClientItem): boolean {
  return item.action.highPriority && item.phase !== 'failed';
}

/** The ids of `items` matching `filter`, in plan order. */
export function idsOf(items: ClientItem[], filter: (item: ClientItem) => boolean = () => true): string[] {
  return items.filter(filter).map((item) => item.action.update.id);
}

/** The items named by `ids`, in plan order (the provider's order: removals, Install, Patch, ES). */
export function itemsFor(items: ClientItem[], ids: string[]): ClientItem[] {
  const wanted = new Set(ids);
  return items.filter((item) => wanted.has(item.action.update.id));
}

/** Applies finished downloads: succeeded → downloaded, failed → failed, cancelled → unchanged. */
export function applyDownloadResults(items: ClientItem[], results: TaskResult[]): ClientItem[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  return items.map((item) => {
    const result = byId.get(item.action.update.id);
    if (!result || result.status === 'cancelled') return item;
    if (result.status === 'succeeded') return { action: item.action, phase: 'downloaded' };
    return { action: item.action, phase: 'failed', error: result.error };
  });
}

/**
 * Applies finished installs: done items leave the list (the provider will see them installed),
 * failed and interrupted ones stay as failed, cancelled ones are untouched.
 */
export function applyInstallResults(
  items: ClientItem[],
  results: TaskResult[],
): { items: ClientItem[]; restartRequired: boolean } {
  const byId = new Map(results.map((result) => [result.id, result]));
  const next: ClientItem[] = [];
  let restartRequired = false;
  for (const item of items) {
    const result = byId.get(item.action.update.id);
    if (result?.status === 'restartRequired') restartRequired = true;
    if (result?.status === 'succeeded' || result?.status === 'restartRequired') continue;
    if (result && result.status !== 'cancelled') {
      next.push({ action: item.action, phase: 'failed', error: result.error });
    } else {
      next.push(item);
    }
  }
  return { items: next, restartRequired };
}
