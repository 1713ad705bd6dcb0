import type { CatalogIndex, IndexedUpdate, ProductEntry, ReleaseEntry } from './catalogIndex.ts';
import type { Group, InstalledApplication } from './fleet.ts';
import { isHeldBack, type PlanPolicy } from './planPolicy.ts';
import { rollbackTarget } from './rollbackTarget.ts';
import type { InstallType } from './update.ts';
import { compareVersionKeys, type VersionKey, versionKey } from './versionKey.ts';

/**
 * One step of a machine's plan. `rollbackTo` (removals only) is the version the machine returns to,
 * absent when the product is uninstalled; `relatedTo` names the update a related install hangs on.
 *
 * @example { kind: 'install', highPriority: false, updateId: 'u7', installType: 'Patch', version: '15.01.02.07', upgradeCode: 'U1' }
 */
export interface PlanAction {
  kind: 'install' | 'remove';
  highPriority: boolean;
  updateId: string;
  installType: InstallType;
  version: string;
  upgradeCode: string;
  rollbackTo?: string;
  relatedTo?: string;
}

/**
 * The group settings a plan is made under. No rule depends on them today (modes and install windows
 * act on the agent, not on what is offered); they are part of the signature so a per-group rule can
 * join without changing callers.
 */
export type PlanGroup = Pick<Group, 'id' | 'mode' | 'installDay' | 'installHour'>;

/** An action with its pre-parsed version, so ordering never re-parses. */
interface Planned {
  action: PlanAction;
  indexed: IndexedUpdate;
  rank: number;
}

const INSTALL_RANK: Record<InstallType, number> = { Install: 1, Patch: 2, ES: 3 };
const REMOVE_RANK = 0;

/**
 * The ordered actions that bring a machine in line with the catalog. Pure; reads only the products
 * the machine has (and the related installs they name), never the whole catalog. The rules are in
 * docs/plan.md; in short:
 * - only GA updates are offered, none held back by the platform version;
 * - per product, the newest reachable release in one go: its Install when the machine is on an older
 *   release, its latest GA Patch, and the GA ESs of the patch the machine ends on;
 * - nothing older than or equal to the installed version, nor any update already applied;
 * - related installs of offered updates, for products the machine lacks;
 * - an applied update now in Remove is removed, rolling back to the version before it;
 * - removals first (newest first), then Install, Patch, ES (oldest first).
 *
 * @example planActions(machine.installed, catalogIndex, group, { platformVersions: { CIC: '15.02.00.00' } })
 */
export function planActions(
  installed: readonly InstalledApplication[],
  catalog: CatalogIndex,
  _group: PlanGroup,
  policy: PlanPolicy,
): PlanAction[] {
  const planned: Planned[] = [];
  const installsAllowed = policy.updatesAllowed !== false;
  for (let index = 0; index < installed.length; index++) {
    const app = installed[index]!;
    if (isShadowed(installed, index)) continue;
    const product = catalog.products.get(app.upgradeCode);
    if (product === undefined) continue;
    const installedKey = versionKey(app.version);
    let base: VersionKey | undefined = installedKey;
    for (const removal of removalsFor(app, installedKey, product, catalog)) {
      const rollbackTo = rollbackTarget(removal, app, product);
      planned.push(toPlanned(removal, 'remove', removal.update.highPriority, rollbackTo, undefined));
      if (compareVersionKeys(removal.key, installedKey) === 0) {
        base = rollbackTo === undefined ? undefined : versionKey(rollbackTo);
      }
    }
    // A product the admin removes outright is not reinstalled by the same plan.
    if (!installsAllowed || base === undefined) continue;
    const target = chooseRelease(product, base, policy);
    if (target !== undefined) {
      completeRelease(target.release, target.install, base, app.updates, policy, planned, undefined, false);
    }
  }
  if (installsAllowed) addRelatedInstalls(installed, catalog, policy, planned);
  planned.sort(comparePlanned);
  return planned.map((entry) => entry.action);
}

/** True when another entry for the same product has a higher version (or equal, earlier): plan once. */
function isShadowed(installed: readonly InstalledApplication[], index: number): boolean {
  const app = installed[index]!;
  for (let other = 0; other < installed.length; other++) {
    const rival = installed[other]!;
    if (other === index || rival.upgradeCode !== app.upgradeCode) continue;
    const order = compareVersionKeys(versionKey(rival.version), versionKey(app.version));
    if (order > 0 || (order === 0 && other < index)) return true;
  }
  return false;
}

/** The Remove-state updates on `app`: applied ones named in `app.updates`, or the installed version itself. */
function removalsFor(
  app: InstalledApplication,
  installedKey: VersionKey,
  product: ProductEntry,
  catalog: CatalogIndex,
): IndexedUpdate[] {
  const found: IndexedUpdate[] = [];
  for (const id of app.updates) {
    const removal = catalog.removals.get(id);
    // An id of another product in this list is an inconsistent inventory; it is not acted on here.
    if (removal !== undefined && removal.update.upgradeCode === app.upgradeCode && !found.includes(removal)) {
      found.push(removal);
    }
  }
  for (const removal of product.removals) {
    if (compareVersionKeys(removal.key, installedKey) === 0 && !found.includes(removal)) found.push(removal);
  }
  return found;
}

/**
 * The newest release to bring the machine to: its own release, or a newer one only when that
 * release's Install is offerable (a patch cannot land on a machine without its base release).
 */
function chooseRelease(
  product: ProductEntry,
  base: VersionKey,
  policy: PlanPolicy,
): { release: ReleaseEntry; install: IndexedUpdate | undefined } | undefined {
  for (let i = product.releases.length - 1; i >= 0; i--) {
    const release = product.releases[i]!;
    if (release.release < base.release) return undefined;
    if (release.release === base.release) return { release, install: undefined };
    const install = newestOfferable(release.installs, policy);
    if (install !== undefined) return { release, install };
  }
  return undefined;
}

/** The newest entry of an oldest-first list that the platform version does not hold back. */
function newestOfferable(list: readonly IndexedUpdate[], policy: PlanPolicy): IndexedUpdate | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i]!;
    if (!isHeldBack(entry.key, entry.update.productLine, policy)) return entry;
  }
  return undefined;
}

/**
 * Appends one release's chain: `install` (when moving to this release), the latest GA Patch above
 * the floor, then the GA ESs of the patch the machine ends on. Earlier links inherit high priority
 * from later ones, because an urgent patch is useless without the install under it.
 */
function completeRelease(
  release: ReleaseEntry,
  install: IndexedUpdate | undefined,
  base: VersionKey | undefined,
  applied: readonly string[],
  policy: PlanPolicy,
  planned: Planned[],
  relatedTo: string | undefined,
  urgentTrigger: boolean,
): void {
  const chain: IndexedUpdate[] = [];
  if (install !== undefined) chain.push(install);
  const floor = install?.key ?? base;
  if (floor === undefined) throw new TypeError('Expected a release install or an installed version');
  const patch = newestOfferable(release.patches, policy);
  const offerPatch = patch !== undefined && isNewAndUnapplied(patch, floor, applied);
  if (offerPatch) chain.push(patch);
  const landing = offerPatch ? patch.key : floor;
  for (const special of release.specials) {
    if (
      special.key.patch === landing.patch &&
      isNewAndUnapplied(special, landing, applied) &&
      !isHeldBack(special.key, special.update.productLine, policy)
    ) {
      chain.push(special);
    }
  }
  // Suffix pass: a link is urgent when it, anything after it, or the update that pulled it in is.
  const urgent = new Array<boolean>(chain.length);
  let later = urgentTrigger;
  for (let i = chain.length - 1; i >= 0; i--) {
    later ||= chain[i]!.update.highPriority;
    urgent[i] = later;
  }
  for (let i = 0; i < chain.length; i++) {
    planned.push(toPlanned(chain[i]!, 'install', urgent[i]!, undefined, relatedTo));
  }
}

function isNewAndUnapplied(entry: IndexedUpdate, floor: VersionKey, applied: readonly string[]): boolean {
  return compareVersionKeys(entry.key, floor) > 0 && !applied.includes(entry.update.id);
}

/**
 * Pushes the related installs named by offered updates, for products the machine lacks, level by
 * level (a related install's own related installs follow). Each level is handled in plan order so
 * the update a shared related install hangs on never depends on the inventory's order.
 */
function addRelatedInstalls(
  installed: readonly InstalledApplication[],
  catalog: CatalogIndex,
  policy: PlanPolicy,
  planned: Planned[],
): void {
  const namesRelated = (entry: Planned) =>
    entry.rank !== REMOVE_RANK && entry.indexed.update.relatedInstalls.length > 0;
  let level = planned.filter(namesRelated);
  const taken = new Set<string>();
  while (level.length > 0) {
    level.sort(comparePlanned);
    const next: Planned[] = [];
    for (const trigger of level) {
      for (const relatedId of trigger.indexed.update.relatedInstalls) {
        const related = catalog.updates.get(relatedId);
        if (related === undefined || !isOfferableRelatedInstall(related, policy)) continue;
        const code = related.update.upgradeCode;
        if (taken.has(code) || installed.some((app) => app.upgradeCode === code)) continue;
        taken.add(code);
        const release = catalog.products
          .get(code)!
          .releases.find((entry) => entry.release === related.key.release)!;
        const start = planned.length;
        completeRelease(
          release,
          related,
          undefined,
          [],
          policy,
          planned,
          trigger.action.updateId,
          trigger.action.highPriority,
        );
        for (let i = start; i < planned.length; i++) next.push(planned[i]!);
      }
    }
    level = next.filter(namesRelated);
  }
}

/** A related install is pushed only as a GA release Install the platform version does not hold back. */
function isOfferableRelatedInstall(related: IndexedUpdate, policy: PlanPolicy): boolean {
  return (
    related.update.state === 'GA' &&
    related.update.installType === 'Install' &&
    !isHeldBack(related.key, related.update.productLine, policy)
  );
}

function toPlanned(
  indexed: IndexedUpdate,
  kind: PlanAction['kind'],
  highPriority: boolean,
  rollbackTo: string | undefined,
  relatedTo: string | undefined,
): Planned {
  const { update } = indexed;
  const action: PlanAction = {
    kind,
    highPriority,
    updateId: update.id,
    installType: update.installType,
    version: update.version,
    upgradeCode: update.upgradeCode,
  };
  if (rollbackTo !== undefined) action.rollbackTo = rollbackTo;
  if (relatedTo !== undefined) action.relatedTo = relatedTo;
  return {
    action,
    indexed,
    rank: kind === 'remove' ? REMOVE_RANK : INSTALL_RANK[update.installType],
  };
}

/** Removals newest first (peel the top layer off first), then Install, Patch, ES oldest first; ties by id. */
function comparePlanned(a: Planned, b: Planned): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  const byVersion = compareVersionKeys(a.indexed.key, b.indexed.key);
  if (byVersion !== 0) return a.rank === REMOVE_RANK ? -byVersion : byVersion;
  return a.action.updateId < b.action.updateId ? -1 : a.action.updateId > b.action.updateId ? 1 : 0;
}
