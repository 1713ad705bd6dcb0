/**
 * The fleet simulator's loader, run as its own process: opens the provider's data folder in-process
 * (no HTTP server) and registers the machines through Fleet.checkIn — the same code path as an HTTP
 * first check-in — many at once, so a million machines register in minutes rather than the hours
 * one HTTP round trip each would take. Commits are not fsynced (a loader, not the measured path);
 * closing flushes everything. Every machine enrolls first, as an agent does at its first check-in
 * (AgentIdentity.identify with the enrollment key); the secrets it is issued are packed into
 * `secretsFile` for the load generator. Prints the SeedMeta as one JSON line on stdout.
 *
 * Run by bench/fleet.ts: node --import tsx bench/fleetSeed.ts '{"dataDir":"…","secretsFile":"…","machines":1000000}'
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ENROLLMENT_KEY_FILE, openAgentSecurity } from '../src/cli/agentSecurity.ts';
import { groupSettings } from '../src/domain/machineSettings.ts';
import type { CheckInReport } from '../src/provider/Fleet.ts';
import { MACHINE_KIND } from '../src/provider/machineKind.ts';
import { openFleet } from '../src/provider/openFleet.ts';
import { openProviderCore } from '../src/provider/ProviderCore.ts';
import { fleetCatalog, fleetInventory, fleetMachine, type SeedMeta } from './fleetShape.ts';
import { allocateSecrets, enrollMachine } from './machineSecrets.ts';

const { dataDir, secretsFile, machines } = JSON.parse(process.argv[2]!) as {
  dataDir: string;
  secretsFile: string;
  machines: number;
};
const IN_FLIGHT = 512;
const log = (line: string) => process.stderr.write(`[seed] ${line}\n`);

const started = performance.now();
const core = await openProviderCore({ dataDir, kinds: [MACHINE_KIND], sync: false });
const fleet = await openFleet(core);
const targets: Record<string, string> = {};
const catalog = fleetCatalog();
let cursor = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (cursor < catalog.length) {
      const entry = catalog[cursor++]!;
      const staged = await core.content.stage(Readable.from([Buffer.from(entry.key)]));
      const update = await core.catalog.add(entry.manifest, staged, `${entry.key}.tar.gz`, false);
      if (entry.ga) await core.catalog.changeState(update.id, 'GA');
      if (entry.target) targets[entry.target] = update.id;
    }
  }),
);
log(`catalog: ${catalog.length} updates`);

// The provider started on this folder later reads the same enrollment key file.
const security = await openAgentSecurity(core.store, { dataDir });
const { identity } = security;
const enrollmentKey = (await readFile(join(dataDir, ENROLLMENT_KEY_FILE), 'utf8')).trim();
const secrets = allocateSecrets(machines);
const settings = groupSettings(fleet.groups.defaultGroup);
let etag = '';
let next = 0;
let lastLog = performance.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < machines) {
      const index = next++;
      await enrollMachine(identity, enrollmentKey, index, secrets);
      const answer = await fleet.fleet.checkIn({
        machine: fleetMachine(index),
        settings,
        installed: fleetInventory(index, 0),
        status: { restartRequired: false },
      } as CheckInReport);
      etag = answer.planEtag;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${index + 1} machines, ${((index + 1) / ((lastLog - started) / 1000)).toFixed(0)}/s`);
      }
    }
  }),
);
await core.host.flush();
await fleet.close();
await core.store.db.compactRange('!', '~');
const checkInterval = fleet.config.settings.checkInterval;
await security.saveVerified();
await core.close();
await writeFile(secretsFile, secrets);
const meta: SeedMeta = {
  machines,
  targets: { ga: targets.ga!, hp: targets.hp! },
  settings,
  etag,
  checkInterval,
  seedSeconds: (performance.now() - started) / 1000,
  secretsFile,
};
log(`seeded ${machines} machines in ${meta.seedSeconds.toFixed(0)} s`);
process.stdout.write(`${JSON.stringify(meta)}\n`);
