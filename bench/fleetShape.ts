/**
 * The fleet the fleet simulator drives, shared by the seeder (bench/fleetSeed.ts) and the load
 * generator (bench/fleetLoad.ts) so both agree on every inventory. The catalog is the check-in
 * benchmark's 2,000 updates (50 products × 5 releases) plus two Patch6 updates of release 5 held
 * in PreApproval: TARGETS.ga (product 0), later marked GA, and TARGETS.hp (product 1), later marked
 * High Priority and GA. Every machine holds 4 products on release 5, fully up to date (Patch5 and
 * both ESs), so a seeded fleet has nothing to do until a target is released; about 8% of the
 * machines hold each target's product.
 */
import type { InstalledApplication } from '../src/domain/fleet.ts';
import { formatPatchLabel, formatRelease } from '../src/domain/Version.ts';
import { type BenchUpdate, benchCatalog, INVENTORIES, PRODUCTS, RELEASES } from './checkinShape.ts';

/** Which target a bit of a machine's install flags stands for. */
export const TARGETS = { ga: { product: 0, bit: 1 }, hp: { product: 1, bit: 2 } } as const;

/** The version a target installs. */
export const TARGET_VERSION = '16.05.06.00';

/** The catalog: the check-in benchmark's, plus the two targets (never GA at seeding). */
export function fleetCatalog(): Array<BenchUpdate & { target?: keyof typeof TARGETS }> {
  const targets = Object.entries(TARGETS).map(([name, { product }]) => ({
    key: `target-${name}`,
    target: name as keyof typeof TARGETS,
    manifest: {
      application: `App ${product}`,
      productLine: 'CIC',
      release: formatRelease(16, RELEASES),
      patch: formatPatchLabel(6),
      installType: 'Patch' as const,
      version: TARGET_VERSION,
      upgradeCode: `U${product}`,
      productCode: `P${product}-${RELEASES}`,
      installProperties: {},
    },
    ga: false,
  }));
  return [...benchCatalog(), ...targets];
}

/** The products machine `index` holds (4 of the 50). */
export function productsOf(index: number): number[] {
  const variant = index % INVENTORIES;
  return [0, 1, 2, 3].map((j) => (variant * 7 + j * 13) % PRODUCTS);
}

/**
 * The inventory of machine `index`, with the targets named by `flags` installed. An installed
 * target is listed as the agent's inventory lists an applied patch: its version, and its update id
 * (`targetIds`, the catalog ids the seeder gave the targets) among the application's updates.
 */
export function fleetInventory(
  index: number,
  flags: number,
  targetIds: Partial<Record<keyof typeof TARGETS, string>> = {},
): InstalledApplication[] {
  return productsOf(index).map((product) => {
    const name = (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).find(
      (key) => TARGETS[key].product === product,
    );
    const patched = name !== undefined && (flags & TARGETS[name].bit) !== 0;
    const updateId = patched ? targetIds[name] : undefined;
    return {
      upgradeCode: `U${product}`,
      productCode: `P${product}-${RELEASES}`,
      application: `App ${product}`,
      productLine: 'CIC',
      version: patched ? TARGET_VERSION : `16.0${RELEASES}.05.02`,
      updates: updateId === undefined ? [] : [updateId],
    };
  });
}

/** The identity part of machine `index`'s check-in. */
export function fleetMachine(index: number) {
  return {
    id: `m${index}`,
    name: `PC-${String(index).padStart(7, '0')}`,
    ip: '10.1.2.3',
    agentVersion: '0.1.0',
  };
}

/** What the seeder hands the simulator. */
export interface SeedMeta {
  machines: number;
  /** Update ids of the targets. */
  targets: { ga: string; hp: string };
  /** The settings machines report (the default group's, so a check-in is not a settings change). */
  settings: { mode: string; installDay: string; installHour: number };
  /** The plan etag every seeded machine holds (all are up to date). */
  etag: string;
  checkInterval: { minMs: number; maxMs: number };
  seedSeconds: number;
  /** The file holding every machine's secret, packed as bench/machineSecrets.ts does. */
  secretsFile: string;
}
