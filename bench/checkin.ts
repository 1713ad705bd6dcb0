/**
 * Check-in throughput (issue #3 benchmark). A provider with 100,000 registered machines (seeded
 * through Fleet.checkIn, the same code path as HTTP check-ins) and a 2,000-update catalog serves
 * `POST /agent/v1/checkin` to autocannon at 50 connections in a separate process, for:
 * - hello-world: `GET /bench/hello` on the same Koa app (the baseline);
 * - unchanged: the agent sends the plan etag it holds and nothing changed → `{ unchanged: true }`;
 * - changed: the agent reports another inventory (another product a patch behind) with its old
 *   etag → plan computed, recorded through its actor (snapshot committed with group commit and
 *   fsync), full reply with its 3 actions and their content URLs.
 * Then the provider's RSS with every machine registered. Results go to docs/benchmarks-checkin.md.
 *
 * Run: npm run bench:checkin   (BENCH_MACHINES, BENCH_SECONDS override the size and run length;
 * BENCH_PROFILE=unchanged|changed|hello writes a CPU profile of the provider during that scenario)
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ENROLLMENT_KEY_FILE } from '../src/cli/agentSecurity.ts';
import { startProviderServer } from '../src/cli/providerServer.ts';
import type { CheckInReport } from '../src/provider/Fleet.ts';
import { CONTACT_FLUSH_MS } from '../src/provider/LastContacts.ts';
import { makeTempDir } from '../test/helpers/tempDir.ts';
import { type BenchRow, formatNumber, writeBenchSection } from './benchmarksFile.ts';
import { benchCatalog, benchCheckIn, INVENTORIES, seededBehind, seededVariant } from './checkinShape.ts';
import { serveWithHelloRoute } from './helloServer.ts';
import { allocateSecrets, enrollMachine } from './machineSecrets.ts';
import { startProfile } from './profile.ts';

const MACHINES = Number(process.env.BENCH_MACHINES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const OUT = fileURLToPath(new URL('../docs/benchmarks-checkin.md', import.meta.url));

interface LoadResult {
  scenario: string;
  requestsPerSec: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function mapLimit<T>(items: T[], limit: number, run: (item: T, index: number) => Promise<void>) {
  let cursor = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (cursor < items.length) {
        const index = cursor++;
        await run(items[index]!, index);
      }
    }),
  );
}

function load(url: string, scenario: string, etags: string[], offset: number, durationSec: number) {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./checkinLoad.ts', import.meta.url)),
        JSON.stringify({
          url,
          scenario,
          machines: MACHINES,
          durationSec,
          connections: CONNECTIONS,
          etags,
          offset,
          secretsFile,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(output.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
}

const { dir, cleanup } = await makeTempDir('patchbay-bench-checkin-');
const provider = await startProviderServer({ dataDir: dir, port: 0, host: '127.0.0.1', log });
const secretsFile = join(dir, 'secrets.bin');
const { core, fleet } = provider;
try {
  let started = performance.now();
  const catalog = benchCatalog();
  await mapLimit(catalog, 32, async (entry) => {
    const staged = await core.content.stage(Readable.from([Buffer.from(entry.key)]));
    const update = await core.catalog.add(entry.manifest, staged, `${entry.key}.tar.gz`, false);
    if (entry.ga) await core.catalog.changeState(update.id, 'GA');
  });
  log(`catalog: ${catalog.length} updates in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const indexes = Array.from({ length: MACHINES }, (_, i) => i);
  // Each machine enrolls as an agent does at its first check-in; the load generator sends its secret.
  const enrollmentKey = (await readFile(join(dir, ENROLLMENT_KEY_FILE), 'utf8')).trim();
  const secrets = allocateSecrets(MACHINES);
  await mapLimit(indexes, 64, async (index) => {
    const variant = seededVariant(index);
    await enrollMachine(provider.security.identity, enrollmentKey, index, secrets);
    await fleet.fleet.checkIn(
      benchCheckIn(index, variant, seededBehind(variant)) as unknown as CheckInReport,
    );
  });
  const seedSeconds = (performance.now() - started) / 1000;
  await writeFile(secretsFile, secrets);
  log(`seeded ${MACHINES} machines in ${seedSeconds.toFixed(1)} s`);
  const etags: string[] = [];
  for (let variant = 0; variant < INVENTORIES; variant++) {
    etags.push(fleet.fleet.directory.get(`m${variant}`)!.planEtag);
  }
  await core.host.flush();
  await fleet.contacts.flush();
  // Compact what seeding wrote, so LevelDB's background compaction does not compete with the runs.
  started = performance.now();
  await core.store.db.compactRange('!', '~');
  log(`compacted the store in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Steady state: V8 gives back the pages the seeding burst used only after an idle moment.
  await new Promise((done) => setTimeout(done, 10_000));
  gc();
  gc();
  const memory = process.memoryUsage();
  const rssSeeded = memory.rss;
  log(
    `RSS with ${MACHINES} machines: ${mib(rssSeeded)}, heap used ${mib(memory.heapUsed)} (${core.host.liveCount} live actors)`,
  );

  const { server, url } = await serveWithHelloRoute(provider.app);

  const loadBefore = loadavg()[0]!;
  const results: Record<string, LoadResult> = {};
  let offset = 0;
  for (const scenario of ['hello', 'unchanged', 'changed']) {
    await load(url, scenario, etags, offset, 2); // warm-up
    offset += 20_000;
    const stopProfile = process.env.BENCH_PROFILE === scenario ? await startProfile() : undefined;
    const result = await load(url, scenario, etags, offset, SECONDS);
    await stopProfile?.(`checkin-${scenario}.cpuprofile`);
    offset += 20_000;
    // A refused request is cheap: a run with any would report a throughput that is not check-ins.
    if (result.non2xx + result.errors + result.timeouts > 0) {
      throw new Error(
        `${scenario}: ${result.non2xx} non-2xx replies, ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    }
    results[scenario] = result;
    await core.host.flush();
    log(`${scenario}: ${JSON.stringify(results[scenario])}`);
  }
  server.close();
  gc();
  const rssAfter = process.memoryUsage().rss;
  const commit = core.host.commitStats;
  log(`RSS after the runs: ${mib(rssAfter)}; group commit ${commit.batches} batches, ${commit.ops} ops`);

  const hw = results.hello!.requestsPerSec;
  const row = (name: string, goal: number, result: LoadResult) => {
    const ratio = result.requestsPerSec / hw;
    return `| ${name} | ≥ ${goal}× hello-world | ${result.requestsPerSec.toFixed(0)}/s | ${hw.toFixed(0)}/s | ${ratio.toFixed(2)}× | ${result.p50} ms | ${result.p99} ms | ${result.non2xx + result.errors} | ${ratio >= goal ? 'yes' : '**no**'} |`;
  };
  const command = 'npm run bench:checkin';
  const text = [
    '<!-- bench:checkin -->',
    '## Agent check-in throughput',
    '',
    `Command: \`${command}\` (${MACHINES.toLocaleString('en-US')} machines, ${catalog.length.toLocaleString('en-US')}-update catalog, autocannon in a separate process, ${CONNECTIONS} connections, ${SECONDS} s per scenario after a 2 s warm-up)  `,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}  `,
    `Run: ${new Date().toISOString()}; 1-minute load average ${loadBefore.toFixed(1)} before the runs and ${loadavg()[0]!.toFixed(1)} after (on ${cpus().length} cores: other processes share the CPU when it exceeds ~2, and every figure moves with it)`,
    '',
    '| scenario | goal | check-ins/s | hello-world (same run) | ratio | p50 (worst connection) | p99 (worst connection) | errors + non-2xx | goal met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| hello-world (\`GET /bench/hello\`, same Koa app) | — | ${hw.toFixed(0)}/s | — | 1.00× | ${results.hello!.p50} ms | ${results.hello!.p99} ms | ${results.hello!.non2xx + results.hello!.errors} | — |`,
    row('unchanged plan (`unchanged: true`)', 0.5, results.unchanged!),
    row('changed plan (recorded + full reply)', 0.25, results.changed!),
    '',
    '| figure | goal | measured | goal met |',
    '| --- | --- | --- | --- |',
    `| provider RSS with ${MACHINES.toLocaleString('en-US')} registered machines (after seeding, 10 s idle, GC) | < 1 GiB | ${mib(rssSeeded)} | ${rssSeeded < 1024 ** 3 ? 'yes' : '**no**'} |`,
    `| provider RSS after the runs | < 1 GiB | ${mib(rssAfter)} | ${rssAfter < 1024 ** 3 ? 'yes' : '**no**'} |`,
    `| JS heap used with ${MACHINES.toLocaleString('en-US')} machines | — | ${mib(memory.heapUsed)} | — |`,
    `| seeding ${MACHINES.toLocaleString('en-US')} first check-ins in-process (64 in flight, fsync) | — | ${(MACHINES / seedSeconds).toFixed(0)}/s | — |`,
    '',
    'The load generator runs one autocannon instance per connection, each cycling through its own',
    'prebuilt requests for its own slice of machines (hello-world is driven the same way); p50/p99 are',
    'the worst over the connections.',
    '',
    'Seeding writes every machine once; the store is then compacted (so LevelDB compaction does not',
    'compete with the runs) and the provider left idle 10 s before RSS is read.',
    '',
    'Unchanged check-ins are answered from the in-memory directory (no plan, no store write; last',
    `contact is flushed in batches every ${CONTACT_FLUSH_MS} ms). Changed check-ins activate the machine actor (only`,
    `${core.host.liveCount.toLocaleString('en-US')} of ${MACHINES.toLocaleString('en-US')} actors are live; the rest are passivated), compute the plan, and answer`,
    'only after the snapshot is committed (group commit with fsync). Every request carries its',
    "machine's secret (`Authorization: Machine <id>:<secret>`), checked against the hash AgentIdentity keeps.",
    '<!-- /bench:checkin -->',
    '',
  ].join('\n');
  await writeFile(OUT, `# Check-in benchmark\n\n${text}`);
  log(`wrote ${OUT}`);
  const benchRow = (figure: string, goal: number, result: LoadResult): BenchRow => ({
    figure: `${figure} (p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.non2xx + result.errors} errors)`,
    goal: `≥ ${goal}× hello-world`,
    measured: `${formatNumber(result.requestsPerSec)}/s`,
    baseline: `${formatNumber(hw)}/s hello-world (p99 ${results.hello!.p99} ms)`,
    ratio: `${(result.requestsPerSec / hw).toFixed(2)}×`,
    met: result.requestsPerSec / hw >= goal,
  });
  await writeBenchSection(
    'checkin',
    `Agent check-in throughput (${MACHINES.toLocaleString('en-US')} machines, autocannon)`,
    command,
    [
      benchRow('unchanged check-ins/s', 0.5, results.unchanged!),
      benchRow('changed check-ins/s (plan recorded + full reply)', 0.25, results.changed!),
      {
        figure: `provider RSS with ${MACHINES.toLocaleString('en-US')} machines (after seeding, idle, GC)`,
        goal: '< 1 GiB',
        measured: mib(rssSeeded),
        met: rssSeeded < 1024 ** 3,
      },
    ],
    `autocannon in a separate process, ${CONNECTIONS} connections, ${SECONDS} s per scenario; hello-world is \`GET /bench/hello\` on the same Koa app. 1-minute load average ${loadBefore.toFixed(1)} before the runs. Details: docs/benchmarks-checkin.md.`,
  );
} finally {
  await provider.close();
  await cleanup();
}
