import { ActivityLog } from './ActivityLog.ts';
import { logAdminChanges } from './adminActivity.ts';
import { EventSequences } from './EventSequences.ts';
import { Fleet } from './Fleet.ts';
import { FleetQueries } from './FleetQueries.ts';
import { Groups } from './Groups.ts';
import { LastContacts } from './LastContacts.ts';
import { MachineIndex } from './machineIndex.ts';
import { PlanIndex } from './PlanIndex.ts';
import { ProviderConfig } from './ProviderConfig.ts';
import type { ProviderCore } from './ProviderCore.ts';

/** Fleet tuning for {@link openFleet}. */
export interface OpenFleetOptions {
  /** How often coalesced last-contact times are written (default 30 s). */
  contactFlushMs?: number;
  /** Most machines whose check-in state is kept in memory (default 1,000,000). */
  directoryCapacity?: number;
  now?: () => Date;
  /** Where failures of background writes (activity of admin changes) are reported. */
  onError?: (error: unknown) => void;
}

/** The fleet half of the provider: settings, groups, activity, machines and their read views. */
export interface FleetServices {
  config: ProviderConfig;
  groups: Groups;
  activity: ActivityLog;
  planIndex: PlanIndex;
  index: MachineIndex;
  contacts: LastContacts;
  fleet: Fleet;
  queries: FleetQueries;
  /** Stops listening and writes pending last-contact times; call before closing the core. */
  close(): Promise<void>;
}

/**
 * Builds the fleet services on an open provider core (whose host must run MACHINE_KIND): loads the
 * provider settings and groups (creating the default group), and starts logging admin changes.
 *
 * @example const core = await openProviderCore({ dataDir, kinds: [MACHINE_KIND] }); const fleet = await openFleet(core)
 */
export async function openFleet(core: ProviderCore, options: OpenFleetOptions = {}): Promise<FleetServices> {
  const { store, host, catalog } = core;
  const now = options.now ?? (() => new Date());
  const config = new ProviderConfig(store, host);
  await config.load();
  const groups = new Groups(store, host, now);
  await groups.load();
  const activity = new ActivityLog(store, host, now);
  const planIndex = new PlanIndex(catalog);
  const index = new MachineIndex(store);
  const contacts = new LastContacts(store, host, options.contactFlushMs ?? 30_000);
  const fleet = new Fleet(
    {
      host,
      catalog,
      planIndex,
      groups,
      config,
      activity,
      index,
      contacts,
      sequences: new EventSequences(store),
    },
    { directoryCapacity: options.directoryCapacity, now },
  );
  const queries = new FleetQueries(
    { store, host, fleet, groups, config, index, activity, contacts, catalog },
    now,
  );
  const stopLogging = logAdminChanges(activity, catalog, groups, config, options.onError);
  return {
    config,
    groups,
    activity,
    planIndex,
    index,
    contacts,
    fleet,
    queries,
    async close() {
      stopLogging();
      planIndex.close();
      await contacts.close();
    },
  };
}
