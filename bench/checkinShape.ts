/**
 * The fleet the check-in benchmark simulates, shared by the provider side (bench/checkin.ts) and the
 * load generator (bench/checkinLoad.ts) so both build the same bodies: a 2,000-update catalog of
 * 50 products × 5 releases × (Install + 5 patches + 2 ESs), and machines holding 4 products each
 * on the newest release, drawn from INVENTORIES product mixes (a fleet sits on a handful of
 * versions). Three products are fully up to date (Patch5 with both ESs); one is a patch behind, so
 * every plan holds 3 actions (Patch5 and its two ESs), like a fleet after the admin GAs a patch.
 */
import type { InstalledApplication } from '../src/domain/fleet.ts';
import type { InstallType } from '../src/domain/update.ts';
import { formatPatchLabel, formatRelease } from '../src/domain/Version.ts';

export const PRODUCTS = 50;
export const RELEASES = 5;
export const PATCHES = 5;
export const INVENTORIES = 500;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** One catalog entry of the benchmark: its manifest and whether it ends up GA. */
export interface BenchUpdate {
  key: string;
  manifest: {
    application: string;
    productLine: string;
    release: string;
    patch: string;
    installType: InstallType;
    version: string;
    upgradeCode: string;
    productCode: string;
    installProperties: Record<string, string>;
  };
  ga: boolean;
}

/** The 2,000 updates: only the Install and the latest patch (with its ESs) of each release are GA. */
export function benchCatalog(): BenchUpdate[] {
  const updates: BenchUpdate[] = [];
  for (let product = 0; product < PRODUCTS; product++) {
    for (let release = 1; release <= RELEASES; release++) {
      for (let patch = 0; patch <= PATCHES + 2; patch++) {
        const isEs = patch > PATCHES;
        const patchNo = isEs ? PATCHES : patch;
        const build = isEs ? patch - PATCHES : 0;
        updates.push({
          key: `p${product}-r${release}-${patch}`,
          manifest: {
            application: `App ${product}`,
            productLine: 'CIC',
            release: formatRelease(16, release),
            patch: formatPatchLabel(patchNo),
            installType: patch === 0 ? 'Install' : isEs ? 'ES' : 'Patch',
            version: `16.${pad(release)}.${pad(patchNo)}.${pad(build)}`,
            upgradeCode: `U${product}`,
            productCode: `P${product}-${release}`,
            installProperties: {},
          },
          ga: patch === 0 || patch >= PATCHES,
        });
      }
    }
  }
  return updates;
}

/**
 * Inventory number `variant` (0 ≤ variant < INVENTORIES) with product number `behind` (0–3) one
 * patch behind: four products on release 5, the others at Patch5 + ES2 (nothing to offer).
 */
export function benchInventory(variant: number, behind: number): InstalledApplication[] {
  const apps: InstalledApplication[] = [];
  for (let j = 0; j < 4; j++) {
    const product = (variant * 7 + j * 13) % PRODUCTS;
    const lagging = j === behind % 4;
    apps.push({
      upgradeCode: `U${product}`,
      productCode: `P${product}-${RELEASES}`,
      application: `App ${product}`,
      productLine: 'CIC',
      version: lagging
        ? `16.${pad(RELEASES)}.${pad(PATCHES - 1)}.00`
        : `16.${pad(RELEASES)}.${pad(PATCHES)}.02`,
      updates: [],
    });
  }
  return apps;
}

/** The check-in body of machine `index` reporting inventory `variant` with product `behind` lagging. */
export function benchCheckIn(
  index: number,
  variant: number,
  behind: number,
  planEtag?: string,
): Record<string, unknown> {
  return {
    machine: {
      id: `m${index}`,
      name: `PC-${String(index).padStart(7, '0')}`,
      ip: '10.1.2.3',
      agentVersion: '0.1.0',
    },
    settings: { mode: 'automatic', installDay: 'everyday', installHour: 3 },
    installed: benchInventory(variant, behind),
    status: { restartRequired: false },
    planEtag,
  };
}

/** The product mix a machine reports. */
export function seededVariant(index: number): number {
  return index % INVENTORIES;
}

/** Which product lags when the machine is seeded (the "changed" run makes another one lag). */
export function seededBehind(variant: number): number {
  return variant % 4;
}
