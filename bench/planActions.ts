/**
 * Plan engine throughput: a 2,000-update catalog (50 products × 5 releases × Install + 5 patches +
 * 2 ESs, only the latest patch of each release GA, like the manual recommends) and one million
 * plans for machines holding 4 products at mixed versions. Not a test: prints numbers.
 *
 * Run: npx tsx bench/planActions.ts
 */
import { buildCatalogIndex } from '../src/domain/catalogIndex.ts';
import type { InstalledApplication } from '../src/domain/fleet.ts';
import { planActions } from '../src/domain/planActions.ts';
import { planEtag } from '../src/domain/planEtag.ts';
import type { Update } from '../src/domain/update.ts';
import { formatPatchLabel, formatRelease } from '../src/domain/Version.ts';

const PRODUCTS = 50;
const RELEASES = 5;
const PATCHES = 5;
const MACHINES = 1_000_000;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

const updates: Update[] = [];
for (let product = 0; product < PRODUCTS; product++) {
  for (let release = 1; release <= RELEASES; release++) {
    for (let patch = 0; patch <= PATCHES + 2; patch++) {
      const isEs = patch > PATCHES;
      const patchNo = isEs ? PATCHES : patch;
      const build = isEs ? patch - PATCHES : 0;
      const version = `16.${pad(release)}.${pad(patchNo)}.${pad(build)}`;
      const latest = patch === 0 || patch >= PATCHES;
      updates.push({
        id: `p${product}-r${release}-${patch}`,
        application: `App ${product}`,
        productLine: 'CIC',
        release: formatRelease(16, release),
        patch: formatPatchLabel(patchNo),
        installType: patch === 0 ? 'Install' : isEs ? 'ES' : 'Patch',
        version,
        upgradeCode: `U${product}`,
        productCode: `P${product}-${release}`,
        installProperties: {},
        fileName: 'f.tar.gz',
        size: 1,
        sha256: '0'.repeat(64),
        signed: false,
        state: product % 10 === 0 && patch === PATCHES ? 'Remove' : latest ? 'GA' : 'Inactive',
        highPriority: false,
        insertedAt: '2024-01-01T00:00:00.000Z',
        relatedInstalls: product % 7 === 0 && patch === PATCHES ? [`p${product + 1}-r${release}-0`] : [],
        activations: 0,
      });
    }
  }
}

let started = performance.now();
const catalog = buildCatalogIndex(updates);
console.log(`index of ${updates.length} updates built in ${(performance.now() - started).toFixed(2)} ms`);

// A few hundred distinct inventories, reused round-robin like a fleet on a handful of versions.
const inventories: InstalledApplication[][] = [];
for (let i = 0; i < 500; i++) {
  const apps: InstalledApplication[] = [];
  for (let j = 0; j < 4; j++) {
    const product = (i * 7 + j * 13) % PRODUCTS;
    const release = 1 + ((i + j) % RELEASES);
    const patch = (i + j) % (PATCHES + 1);
    apps.push({
      upgradeCode: `U${product}`,
      productCode: `P${product}-${release}`,
      application: `App ${product}`,
      productLine: 'CIC',
      version: `16.${pad(release)}.${pad(patch)}.00`,
      updates: patch > 0 ? [`p${product}-r${release}-${patch}`] : [],
    });
  }
  inventories.push(apps);
}

const group = { id: 'default', mode: 'automatic', installDay: 'everyday', installHour: 3 } as const;
const policy = { platformVersions: { CIC: '16.04.99.00' } };
let actionCount = 0;
started = performance.now();
for (let i = 0; i < MACHINES; i++) {
  actionCount += planActions(inventories[i % inventories.length]!, catalog, group, policy).length;
}
let elapsed = performance.now() - started;
console.log(
  `${MACHINES} plans in ${elapsed.toFixed(0)} ms: ${((MACHINES / elapsed) * 1000).toFixed(0)} plans/s, ` +
    `${((elapsed * 1000) / MACHINES).toFixed(2)} µs/plan, ${(actionCount / MACHINES).toFixed(2)} actions/plan`,
);

// The common case: machines already on the latest GA patch of the newest release get no actions.
const upToDate: InstalledApplication[] = [1, 13, 26, 39].map((product) => ({
  upgradeCode: `U${product}`,
  productCode: `P${product}-${RELEASES}`,
  application: `App ${product}`,
  productLine: 'CIC',
  version: `16.${pad(RELEASES)}.${pad(PATCHES)}.02`,
  updates: [`p${product}-r${RELEASES}-${PATCHES}`],
}));
started = performance.now();
let idle = 0;
for (let i = 0; i < MACHINES; i++)
  idle += planActions(upToDate, catalog, group, { platformVersions: {} }).length;
elapsed = performance.now() - started;
console.log(
  `${MACHINES} up-to-date plans (${idle} actions) in ${elapsed.toFixed(0)} ms: ` +
    `${((elapsed * 1000) / MACHINES).toFixed(2)} µs/plan`,
);

const ETAGS = 200_000;
started = performance.now();
for (let i = 0; i < ETAGS; i++) {
  planEtag(planActions(inventories[i % inventories.length]!, catalog, group, policy), { mode: 'automatic' });
}
elapsed = performance.now() - started;
console.log(`${ETAGS} plans + etags: ${((elapsed * 1000) / ETAGS).toFixed(2)} µs each`);
