import type { Update } from '../domain/update.ts';
import type { ActivityEntry, ActivityLog } from './ActivityLog.ts';
import type { Catalog, CatalogChange } from './Catalog.ts';
import type { GroupChange, Groups } from './Groups.ts';
import type { ProviderConfig, ProviderSettings } from './ProviderConfig.ts';

type EntryFields = Omit<ActivityEntry, 'id' | 'at'>;

/**
 * Writes an activity entry for every admin change of an update, a group or the provider settings
 * (what changed, from what to what). Activation counts are not logged here: the agent's
 * `install.succeeded` that causes them already is. Returns a function that stops listening.
 *
 * @example const stop = logAdminChanges(activity, catalog, groups, config)
 */
export function logAdminChanges(
  activity: ActivityLog,
  catalog: Catalog,
  groups: Groups,
  config: ProviderConfig,
  onError: (error: unknown) => void = () => {},
): () => void {
  const write = (fields: EntryFields | undefined) => {
    if (fields) activity.append(fields).catch(onError);
  };
  const onCatalog = (change: CatalogChange) => write(describeCatalogChange(change));
  const onGroup = (change: GroupChange) => write(describeGroupChange(change));
  const onConfig = (next: ProviderSettings, previous: ProviderSettings) =>
    write({
      type: 'config.changed',
      changes: diff(
        previous as unknown as Record<string, unknown>,
        next as unknown as Record<string, unknown>,
      ),
      description: 'provider settings changed',
    });
  catalog.on('change', onCatalog);
  groups.on('change', onGroup);
  config.on('change', onConfig);
  return () => {
    catalog.off('change', onCatalog);
    groups.off('change', onGroup);
    config.off('change', onConfig);
  };
}

/** The entry for one catalog change, or undefined for changes not worth a line (activations). */
export function describeCatalogChange(change: CatalogChange): EntryFields | undefined {
  const { update, previous } = change;
  const name = `${update.application} ${update.release} ${update.patch}`;
  const base = updateFields(update);
  switch (change.type) {
    case 'added':
      return { ...base, type: 'update.added', description: `${name} added in ${update.state}` };
    case 'state':
      return {
        ...base,
        type: 'update.state',
        changes: { state: { from: previous?.state, to: update.state } },
        description: `${name}: ${previous?.state} → ${update.state}`,
      };
    case 'highPriority':
      return {
        ...base,
        type: 'update.highPriority',
        changes: { highPriority: { from: previous?.highPriority, to: update.highPriority } },
        description: `${name} ${update.highPriority ? 'marked' : 'no longer'} High Priority`,
      };
    case 'relatedInstalls':
      return {
        ...base,
        type: 'update.relatedInstalls',
        changes: { relatedInstalls: { from: previous?.relatedInstalls, to: update.relatedInstalls } },
        description: `${name}: related installs set to [${update.relatedInstalls.join(', ')}]`,
      };
    case 'deleted':
      return { ...base, type: 'update.deleted', description: `${name} deleted` };
    default:
      return undefined;
  }
}

/** The entry for one group change. */
export function describeGroupChange(change: GroupChange): EntryFields {
  const { group, previous } = change;
  if (change.type === 'created') {
    return { type: 'group.created', groupId: group.id, description: `group ${group.name} created` };
  }
  if (change.type === 'deleted') {
    return { type: 'group.deleted', groupId: group.id, description: `group ${group.name} deleted` };
  }
  const changes = diff(
    (previous ?? {}) as unknown as Record<string, unknown>,
    group as unknown as Record<string, unknown>,
  );
  return {
    type: 'group.changed',
    groupId: group.id,
    changes,
    description: `group ${group.name} changed: ${Object.keys(changes).join(', ') || 'nothing'}`,
  };
}

function updateFields(update: Update): EntryFields {
  return {
    type: '',
    description: '',
    updateId: update.id,
    application: update.application,
    release: update.release,
    patch: update.patch,
    version: update.version,
  };
}

function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key], to: after[key] };
    }
  }
  return changes;
}
