import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { takeShutdownDump } from './shutdownDump.ts';

/** Fleet tuning for {@link openFleet}. */
export interface OpenFleetOptions {
  /** How often coalesced last-contact times are written, in ms (default CONTACT_FLUSH_MS, 250). */
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
  /**
   * Loads the directory dump a clean shutdown left (if any) into memory, in chunks between which
   * check-ins go on; resolves when done. Loading is left to the caller because a million entries
   * take a second or two of CPU: the provider starts it once it listens, so it never delays the
   * first check-in. Calling it again returns the same load.
   */
  loadDirectory(): Promise<void>;
  /** Stops listening, writes pending last-contact times and the directory dump; call before closing the core. */
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
  const contacts = new LastContacts(store, host, options.contactFlushMs);
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
      sequences: await EventSequences.open(store),
    },
    { directoryCapacity: options.directoryCapacity, now },
  );
  const queries = new FleetQueries(
    { store, host, fleet, groups, config, index, activity, contacts, catalog },
    now,
  );
  const stopLogging = logAdminChanges(activity, catalog, groups, config, options.onError);
  const dumpPath = join(core.dataDir, DIRECTORY_DUMP);
  const dump = await takeShutdownDump(dumpPath);
  let loading: Promise<void> | undefined;
  const loadDirectory = () => {
    loading ??= dump
      ? fleet.directory.load(dump).then(
          () => {},
          (error: unknown) => options.onError?.(error),
        )
      : Promise.resolve();
    return loading;
  };
  return {
    config,
    groups,
    activity,
    planIndex,
    index,
    contacts,
    fleet,
    queries,
    loadDirectory,
    async close() {
      stopLogging();
      planIndex.close();
      await contacts.close();
      // A dump never loaded still holds entries worth keeping for the next start.
      await loadDirectory();
      // Every check-in recorded in the background is committed (or has invalidated its entry) first.
      await host.flush();
      await writeFile(`${dumpPath}.tmp`, fleet.directory.serialize());
      await rename(`${dumpPath}.tmp`, dumpPath);
    },
  };
}

/**
 * The machine directory as a clean shutdown left it (MachineDirectory.serialize), so that a restart
 * answers unchanged check-ins from memory again as soon as it is loaded, instead of reading every
 * machine's snapshot once (a whole fleet within the first check interval).
 */
const DIRECTORY_DUMP = 'machine-directory.bin';
