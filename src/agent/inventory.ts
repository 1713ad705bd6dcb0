import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { InstalledApplication } from '../domain/fleet.ts';
import type { InstallPackage } from './installers/Installer.ts';

export type { InstalledApplication } from '../domain/fleet.ts';

/** One state an application was in; the history of states is what a removal rolls back to. */
interface ApplicationState {
  productCode: string;
  version: string;
  updates: string[];
}

interface InventoryEntry extends InstalledApplication {
  /** Earlier states, oldest first; the last one is what removing the newest update restores. */
  history: ApplicationState[];
}

/** What a removal leads to: the state rolled back to (undefined = nothing left installed) and the versions dropped. */
export interface RemovalPlan {
  application: InstalledApplication;
  rollbackTo?: InstalledApplication;
  droppedVersions: string[];
}

/**
 * The per-machine inventory of installed applications, persisted as JSON written to a temp file
 * then renamed (a crash never leaves half a file). Keyed by upgrade code. Installs run one at a
 * time, but writes are still chained so two callers can never interleave.
 *
 * @example const inventory = await Inventory.open(`${dataDir}/inventory.json`); inventory.list()
 */
export class Inventory {
  readonly #file: string;
  #entries: Map<string, InventoryEntry>;
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string, entries: InventoryEntry[]) {
    this.#file = file;
    this.#entries = new Map(entries.map((entry) => [entry.upgradeCode, entry]));
  }

  /** Loads the inventory file (a missing file is an empty inventory). */
  static async open(file: string): Promise<Inventory> {
    try {
      return new Inventory(file, JSON.parse(await readFile(file, 'utf8')) as InventoryEntry[]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Inventory(file, []);
      throw error;
    }
  }

  /** The installed applications, as check-ins send them (fields picked explicitly). */
  list(): InstalledApplication[] {
    return [...this.#entries.values()].map(publicView);
  }

  /** The installed application with this upgrade code, if any. */
  get(upgradeCode: string): InstalledApplication | undefined {
    const entry = this.#entries.get(upgradeCode);
    return entry && publicView(entry);
  }

  /** True when the update is among the applied updates of its application. */
  hasUpdate(pkg: Pick<InstallPackage, 'upgradeCode' | 'updateId'>): boolean {
    return this.#entries.get(pkg.upgradeCode)?.updates.includes(pkg.updateId) ?? false;
  }

  /**
   * Records an applied update. A release Install starts a fresh update list; a Patch or ES adds to
   * it. The state before is pushed on the history so a removal can return to it.
   */
  async recordInstall(pkg: InstallPackage): Promise<InstalledApplication> {
    const previous = this.#entries.get(pkg.upgradeCode);
    const history = previous ? [...previous.history, stateOf(previous)] : [];
    const updates =
      pkg.installType === 'Install' || !previous ? [pkg.updateId] : [...previous.updates, pkg.updateId];
    const entry: InventoryEntry = {
      upgradeCode: pkg.upgradeCode,
      productCode: pkg.productCode,
      application: pkg.application,
      productLine: pkg.productLine,
      version: pkg.version,
      updates,
      history,
    };
    this.#entries.set(pkg.upgradeCode, entry);
    await this.#save();
    return publicView(entry);
  }

  /**
   * What removing `pkg` would do, without doing it: the state before the update was applied, and
   * the versions that then fall away. Undefined when the update is not installed.
   */
  planRemoval(pkg: Pick<InstallPackage, 'upgradeCode' | 'updateId'>): RemovalPlan | undefined {
    const entry = this.#entries.get(pkg.upgradeCode);
    if (!entry?.updates.includes(pkg.updateId)) return undefined;
    const states = [...entry.history, stateOf(entry)];
    // The newest state that does not yet contain the update is the one to return to.
    const keepCount = firstStateWith(entry, pkg.updateId);
    const rollback = keepCount > 0 ? states[keepCount - 1] : undefined;
    const kept = new Set(states.slice(0, keepCount).map((state) => state.version));
    const droppedVersions = [...new Set(states.slice(keepCount).map((state) => state.version))].filter(
      (version) => !kept.has(version),
    );
    return {
      application: publicView(entry),
      rollbackTo: rollback && { ...publicView(entry), ...rollback },
      droppedVersions,
    };
  }

  /** Applies a planned removal: the application returns to the rollback state, or leaves the inventory. */
  async recordRemoval(
    pkg: Pick<InstallPackage, 'upgradeCode' | 'updateId'>,
  ): Promise<RemovalPlan | undefined> {
    const plan = this.planRemoval(pkg);
    const entry = this.#entries.get(pkg.upgradeCode);
    if (!plan || !entry) return undefined;
    if (!plan.rollbackTo) {
      this.#entries.delete(pkg.upgradeCode);
    } else {
      // history[keepCount − 1] is the rollback state itself; what came before it stays as history.
      const keepCount = firstStateWith(entry, pkg.updateId);
      this.#entries.set(pkg.upgradeCode, {
        ...entry,
        productCode: plan.rollbackTo.productCode,
        version: plan.rollbackTo.version,
        updates: plan.rollbackTo.updates,
        history: entry.history.slice(0, keepCount - 1),
      });
    }
    await this.#save();
    return plan;
  }

  #save(): Promise<void> {
    const text = JSON.stringify([...this.#entries.values()], null, 2);
    this.#writes = this.#writes.then(async () => {
      await mkdir(dirname(this.#file), { recursive: true });
      const temp = `${this.#file}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, this.#file);
    });
    return this.#writes;
  }
}

/** Index, in history + current, of the first state that contains the update. */
function firstStateWith(entry: InventoryEntry, updateId: string): number {
  return [...entry.history, stateOf(entry)].findIndex((state) => state.updates.includes(updateId));
}

function stateOf(entry: InventoryEntry): ApplicationState {
  return { productCode: entry.productCode, version: entry.version, updates: [...entry.updates] };
}

function publicView(entry: InventoryEntry): InstalledApplication {
  return {
    upgradeCode: entry.upgradeCode,
    productCode: entry.productCode,
    application: entry.application,
    productLine: entry.productLine,
    version: entry.version,
    updates: [...entry.updates],
  };
}
