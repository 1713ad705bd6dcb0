/**
 * The fleet simulator (issue #8): N machines speaking the real agent protocol against a provider in
 * its own process, from a load generator in another (bench/fleetLoad.ts).
 *
 * 1. Seed: bench/fleetSeed.ts registers N machines through Fleet.checkIn in-process against a data
 *    folder (cached under the OS temp folder per N, copied for every run, since the run changes it).
 * 2. Restart: the provider starts on that folder (bench/fleetProvider.ts, compiled by scripts/build.ts
 *    like `npm run build`, as a production start runs); the time from spawn to the first check-in
 *    served is measured.
 * 3. Simulate: every machine checks in at an interval jittered in [min, max] / time factor; after
 *    the first cycle the GA target is marked GA and the HP target High Priority + GA over the admin
 *    API, and the run goes on until every machine holding their products reported them installed.
 *    Provider CPU and RSS are sampled from /proc/<pid> every second.
 * 4. Capacity: closed-loop hello-world and unchanged check-ins, same app, same generator, same run.
 *
 * Run: npm run bench:fleet -- --machines N [--seconds S] [--time-factor F] [--connections C] [--crash] [--no-write]
 * Writes the `fleet` section of BENCHMARKS.md.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN_FILE } from '../src/cli/adminSecurity.ts';
import { PROVIDER_NODE_FLAGS } from '../src/cli/youngGeneration.ts';
import { VERIFIED_DUMP_FILE } from '../src/provider/auth/verifiedCredentialsDump.ts';
import { formatNumber, writeBenchSection } from './benchmarksFile.ts';
import type { Convergence, Percentiles, PhaseStats } from './fleetLoad.ts';
import type { SeedMeta } from './fleetShape.ts';
import { fleetInventory, fleetMachine } from './fleetShape.ts';
import { machineAuthorization } from './machineSecrets.ts';

const { values: args } = parseArgs({
  options: {
    machines: { type: 'string', default: '100000' },
    seconds: { type: 'string' },
    'time-factor': { type: 'string' },
    rate: { type: 'string', default: '5500' },
    connections: { type: 'string', default: '64' },
    'no-write': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    crash: { type: 'boolean', default: false },
  },
});
const MACHINES = Number(args.machines);
const CONNECTIONS = Number(args.connections);
const log = (line: string) => process.stderr.write(`${line}\n`);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const tsx = ['--import', 'tsx'];

function runToEnd(child: ChildProcess): Promise<string> {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`exited with ${code}`))));
  });
}

/** The seeded folder for N machines, made once and reused (its meta.json says it is complete). */
async function seeded(): Promise<{ dir: string; meta: SeedMeta; fresh: boolean }> {
  const dir = join(tmpdir(), `patchbay-fleet-seed-v4-${MACHINES}`);
  if (!args.fresh && existsSync(join(dir, 'meta.json'))) {
    return {
      dir,
      meta: JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as SeedMeta,
      fresh: false,
    };
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`seeding ${formatNumber(MACHINES)} machines…`);
  const output = await runToEnd(
    spawn(
      process.execPath,
      [
        ...tsx,
        here('./fleetSeed.ts'),
        JSON.stringify({
          dataDir: join(dir, 'data'),
          secretsFile: join(dir, 'secrets.bin'),
          machines: MACHINES,
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  const meta = JSON.parse(output.trim().split('\n').at(-1)!) as SeedMeta;
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
  return { dir, meta, fresh: true };
}

/**
 * CPU ticks and RSS of a process from /proc (nothing added to the product). RSS is split into
 * anonymous memory (the V8 heap, buffers, malloc) and file pages (LevelDB maps its table files, and
 * the node binary): the kernel can drop the latter under pressure, but RSS counts both.
 */
function sampleProc(pid: number): {
  cpuSeconds: number;
  rssBytes: number;
  anonBytes: number;
  fileBytes: number;
} {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return {
    cpuSeconds: ticks / 100,
    rssBytes: kib('VmRSS'),
    anonBytes: kib('RssAnon'),
    fileBytes: kib('RssFile'),
  };
}

/** Compiles the provider with its bench wrapper to plain JavaScript, as `npm run build` does. */
async function buildProvider(): Promise<string> {
  const outDir = here('../.tmp/bench-build');
  await runToEnd(
    spawn(
      process.execPath,
      [
        ...tsx,
        here('../scripts/build.ts'),
        '--project',
        'bench/tsconfig.fleetProvider.json',
        '--out-dir',
        outDir,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    ),
  );
  return join(outDir, 'bench/fleetProvider.js');
}

function startProvider(compiledProvider: string, dataDir: string) {
  const spawnedAt = performance.now();
  // BENCH_PROVIDER_ARGS passes node flags to the provider, e.g. --cpu-prof for a profile of the run.
  const extra = process.env.BENCH_PROVIDER_ARGS?.split(' ').filter(Boolean) ?? [];
  // Started as production starts it: the provider's own node flags first (src/cli/youngGeneration.ts).
  const child = spawn(process.execPath, [...PROVIDER_NODE_FLAGS, ...extra, compiledProvider, dataDir], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`provider exited with ${code}:\n${output}`)));
  });
  return { child, spawnedAt, url };
}

/** An admin API call, with the token the provider wrote to the run's data folder at its first start. */
async function admin(url: string, method: string, path: string, body?: unknown) {
  const token = (await readFile(join(runDir, ADMIN_TOKEN_FILE), 'utf8')).trim();
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

const { dir: seedDir, meta, fresh } = await seeded();
const interval = meta.checkInterval;
const meanMs = (interval.minMs + interval.maxMs) / 2;
const timeFactor = args['time-factor']
  ? Number(args['time-factor'])
  : (Number(args.rate) * meanMs) / 1000 / MACHINES;
const cycleMs = interval.maxMs / timeFactor;
const seconds = args.seconds ? Number(args.seconds) : Math.ceil((cycleMs * 2.3) / 1000) + 5;
const offeredRate = (MACHINES * timeFactor * 1000) / meanMs;
log(
  `${formatNumber(MACHINES)} machines, time factor ${timeFactor.toFixed(1)} (interval ${(interval.minMs / timeFactor / 1000).toFixed(1)}–${(cycleMs / 1000).toFixed(1)} s), offered ≈ ${offeredRate.toFixed(0)} check-ins/s, ${seconds} s`,
);

const runDir = `${seedDir}-run`;
await rm(runDir, { recursive: true, force: true });
const started = performance.now();
await cp(join(seedDir, 'data'), runDir, { recursive: true });
log(`copied the seeded folder in ${((performance.now() - started) / 1000).toFixed(1)} s`);
// --crash: restart as after a crash, without the dumps a clean shutdown leaves.
if (args.crash) {
  await rm(join(runDir, 'machine-directory.bin'), { force: true });
  await rm(join(runDir, VERIFIED_DUMP_FILE), { force: true });
}

const compiledProvider = await buildProvider();
const provider = startProvider(compiledProvider, runDir);
// BENCH_LOAD_ARGS passes node flags to the load generator (a profile of it shows whether it keeps up).
const generator = fork(here('./fleetLoad.ts'), [], {
  execArgv: [...(process.env.BENCH_LOAD_ARGS?.split(' ').filter(Boolean) ?? []), ...tsx],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const replies: Array<(message: { type: string; [key: string]: unknown }) => void> = [];
generator.on('message', (message: { type: string; [key: string]: unknown }) => {
  if (message.type === 'progress') log(`  ${JSON.stringify(message)}`);
  else replies.shift()?.(message);
});
const reply = <T>() =>
  new Promise<T>((resolve) => replies.push((message) => resolve(message as unknown as T)));
const generatorReady = reply();
try {
  const url = await provider.url;
  const listeningMs = performance.now() - provider.spawnedAt;
  // The restart figure: spawn → first check-in of a machine answered.
  const firstBody = {
    machine: fleetMachine(0),
    settings: meta.settings,
    installed: fleetInventory(0, 0),
    status: { restartRequired: false },
    planEtag: meta.etag,
  };
  const firstResponse = await fetch(`${url}/agent/v1/checkin`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: machineAuthorization(0, await readFile(meta.secretsFile)),
    },
    body: JSON.stringify(firstBody),
  });
  await firstResponse.text();
  const firstCheckInMs = performance.now() - provider.spawnedAt;
  log(
    `provider listening after ${listeningMs.toFixed(0)} ms, first check-in served after ${firstCheckInMs.toFixed(0)} ms (${firstResponse.status})`,
  );

  const pid = provider.child.pid!;
  const samples: Array<{ t: number } & ReturnType<typeof sampleProc>> = [];
  const simStart = performance.now();
  const sampler = setInterval(
    () => samples.push({ t: performance.now() - simStart, ...sampleProc(pid) }),
    1000,
  );
  samples.push({ t: 0, ...sampleProc(pid) });
  const loadBefore = loadavg()[0]!;

  await generatorReady;
  generator.send({
    type: 'start',
    options: { url, meta, timeFactor, connections: CONNECTIONS, firstCycleMs: cycleMs },
  });
  // Release the targets once the first cycle is over (every machine has checked in once).
  await new Promise((done) => setTimeout(done, Math.min(cycleMs, (seconds * 1000) / 2)));
  await admin(url, 'PATCH', `/api/v1/updates/${meta.targets.ga}`, { state: 'GA' });
  generator.send({ type: 'mark', target: 'ga' });
  log('  GA target released');
  await new Promise((done) => setTimeout(done, 2000));
  await admin(url, 'PUT', `/api/v1/updates/${meta.targets.hp}/high-priority`);
  await admin(url, 'PATCH', `/api/v1/updates/${meta.targets.hp}`, { state: 'GA' });
  generator.send({ type: 'mark', target: 'hp' });
  log('  High Priority target released');
  await new Promise((done) => setTimeout(done, Math.max(0, seconds * 1000 - (performance.now() - simStart))));
  const reportWaiter = reply<{ report: Record<string, unknown> }>();
  generator.send({ type: 'stop' });
  const { report } = await reportWaiter;
  clearInterval(sampler);
  const loadAfter = loadavg()[0]!;
  log(JSON.stringify(report, null, 1));

  const capacityOf = async (target: string) => {
    const waiter = reply<{ result: { rate: number; p50: number; p99: number; errors: number } }>();
    generator.send({ type: 'capacity', target, seconds: 5 });
    return (await waiter).result;
  };
  await capacityOf('hello'); // warm-up
  const hello = await capacityOf('hello');
  const checkin = await capacityOf('checkin');
  log(`capacity: hello ${JSON.stringify(hello)}, check-in ${JSON.stringify(checkin)}`);

  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  // CPU share of one core and RSS over the run, in windows of a tenth of it.
  const windows: string[] = [];
  const step = Math.max(1, Math.floor(samples.length / 10));
  for (let i = step; i < samples.length; i += step) {
    const a = samples[i - step]!;
    const b = samples[i]!;
    windows.push(
      `${(b.t / 1000).toFixed(0)} s: CPU ${((100 * (b.cpuSeconds - a.cpuSeconds)) / ((b.t - a.t) / 1000)).toFixed(0)}%, RSS ${mib(b.rssBytes)}`,
    );
  }
  const peak = samples.reduce((max, sample) => (sample.rssBytes > max.rssBytes ? sample : max));
  const maxRss = peak.rssBytes;
  const last = samples.at(-1)!;
  const cpuShare = (100 * (last.cpuSeconds - samples[0]!.cpuSeconds)) / (last.t / 1000);

  const steady = report.steady as PhaseStats;
  const first = report.firstCycle as PhaseStats;
  const convergence = report.convergence as Record<string, Convergence>;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const conv = (name: string, label: string) => {
    const c = convergence[name]!;
    const real = (value?: number) =>
      value === undefined
        ? 'not reached'
        : `${(value / 1000).toFixed(1)} s (${((value * timeFactor) / 60_000).toFixed(0)} min real)`;
    return {
      figure: `convergence after ${label}: ${formatNumber(c.installed)} of ${formatNumber(c.expected)} machines reported it installed`,
      goal: '≤ one check interval',
      measured: `50%: ${real(c.p50Ms)}; 90%: ${real(c.p90Ms)}; 100%: ${real(c.allMs)}`,
      baseline: `max interval ${(cycleMs / 1000).toFixed(1)} s (${(interval.maxMs / 60_000).toFixed(0)} min real)`,
      ratio: c.allMs === undefined ? '—' : `${(c.allMs / cycleMs).toFixed(2)}×`,
      met: c.allMs !== undefined && c.allMs <= cycleMs,
    };
  };
  const eventsLatency = (report.events as { latency: Percentiles }).latency;
  const spread = (p: Percentiles) => `${formatNumber(p.count)}: ${ms(p.p50)} / ${ms(p.p90)} / ${ms(p.p99)}`;
  const errors = steady.errors + first.errors + (report.events as { errors: number }).errors;
  const rows = [
    {
      figure: `check-ins/s sustained, steady phase (offered ${formatNumber(offeredRate)}/s)`,
      goal: '≥ 5,000/s',
      measured: `${formatNumber(steady.rate)}/s`,
      baseline: `${formatNumber(hello.rate)}/s hello-world (closed loop, same app)`,
      ratio: `${(steady.rate / hello.rate).toFixed(2)}×`,
      met: steady.rate >= 5000,
    },
    {
      figure: 'check-in latency, steady phase (p50 / p90 / p99)',
      goal: 'p99 < 20 ms',
      measured: `${ms(steady.p50)} / ${ms(steady.p90)} / ${ms(steady.p99)}`,
      baseline: `hello-world p99 ${ms(hello.p99)} (closed loop, ${CONNECTIONS} connections)`,
      met: steady.p99 < 20,
    },
    {
      figure:
        'steady phase, check-ins answered with an action (recorded before the reply) / events POSTs: p50 / p90 / p99',
      goal: 'report',
      measured: `${spread(steady.withActions)} / ${spread(eventsLatency)}`,
    },
    {
      figure: 'check-in latency, first cycle after the restart (p50 / p90 / p99)',
      goal: 'p99 < 20 ms',
      measured: `${ms(first.p50)} / ${ms(first.p90)} / ${ms(first.p99)} at ${formatNumber(first.rate)}/s`,
      met: first.p99 < 20,
    },
    {
      figure: 'schedule lag p99 (check-in sent − due), steady / first cycle',
      goal: 'report',
      measured: `${ms(steady.lagP99)} / ${ms(first.lagP99)}`,
    },
    {
      figure: 'errors (check-ins + events)',
      goal: '0',
      measured: formatNumber(errors),
      met: errors === 0,
    },
    {
      figure: 'max check-in throughput, closed loop, unchanged check-ins',
      goal: '≥ 0.5× hello-world',
      measured: `${formatNumber(checkin.rate)}/s (p99 ${ms(checkin.p99)})`,
      baseline: `${formatNumber(hello.rate)}/s hello-world`,
      ratio: `${(checkin.rate / hello.rate).toFixed(2)}×`,
      met: checkin.rate / hello.rate >= 0.5,
    },
    {
      figure: 'provider RSS, max over the run (anonymous + file pages)',
      goal: '< 1 GB (954 MiB)',
      measured: `${mib(maxRss)} (${mib(peak.anonBytes)} + ${mib(peak.fileBytes)})`,
      met: maxRss < 1e9,
    },
    {
      figure: 'provider CPU over the run (of one core)',
      goal: 'report',
      measured: `${cpuShare.toFixed(0)}%`,
    },
    {
      figure: 'restart: spawn → first check-in served',
      goal: '< 2 s',
      measured: `${formatNumber(firstCheckInMs)} ms`,
      baseline: `${formatNumber(listeningMs)} ms spawn → listening`,
      met: firstCheckInMs < 2000,
    },
    conv('ga', 'an update is marked GA'),
    conv('hp', 'an update is marked High Priority (and GA)'),
  ];
  const command = `npm run bench:fleet -- --machines ${MACHINES}${args.seconds ? ` --seconds ${args.seconds}` : ''}${args['time-factor'] ? ` --time-factor ${args['time-factor']}` : ''}${args.crash ? ' --crash' : ''}`;
  const notes = [
    `- ${formatNumber(MACHINES)} machines registered by the loader (Fleet.checkIn in-process, ${fresh ? `${meta.seedSeconds.toFixed(0)} s this run` : `seeded earlier in ${meta.seedSeconds.toFixed(0)} s, copied`}); then the provider, compiled to JavaScript as by npm run build, is started on the folder as its own process with the node flags npm start gives it (${PROVIDER_NODE_FLAGS.join(' ')}), like a restart: ${args.crash ? "as after a crash (no directory dump), every machine's directory entry is rebuilt from its snapshot at its first check-in" : "the machine directory the loader's clean shutdown dumped is loaded in the background after start (a check-in before its entry is loaded reads the snapshot)"}.`,
    `- Check interval ${interval.minMs / 60_000}–${interval.maxMs / 60_000} min divided by the time factor ${timeFactor.toFixed(1)}: ${(interval.minMs / timeFactor / 1000).toFixed(1)}–${(cycleMs / 1000).toFixed(1)} s, ${seconds} s in all. The first cycle (${(cycleMs / 1000).toFixed(1)} s) is every machine's first check-in after the restart; the steady phase is the rest.`,
    `- Load generator: one process (bench/fleetLoad.ts), ${CONNECTIONS} keep-alive HTTP/1.1 connections over plain sockets (bench/rawHttpClient.ts: a lean client, so the generator takes little of the 2 cores from the provider), open loop (check-ins go out when due; at most ${CONNECTIONS} in flight, the rest wait and show as schedule lag). Latency is measured from send to the end of the reply.`,
    '- Targets: a Patch6 of product 0 (GA) and of product 1 (High Priority + GA), released 2 s apart after the first cycle. Simulated machines install at once on receiving the action (events download.succeeded + install.succeeded) and report the new version from their next check-in; convergence is the time from the release until the install reports arrived, also shown in real time (× time factor).',
    `- Provider CPU and RSS sampled from /proc/<pid> every second: ${windows.join('; ')}.`,
    `- 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run, on 2 cores shared with the load generator (and with anything else running).`,
  ].join('\n');
  for (const row of rows) log(`${row.figure}: ${row.measured}${row.met === false ? '  ← MISSED' : ''}`);
  if (!args['no-write'])
    await writeBenchSection(
      `fleet-${MACHINES}${args.crash ? '-crash' : ''}`,
      `Fleet simulator (${formatNumber(MACHINES)} machines${args.crash ? ', restart after a crash' : ''})`,
      command,
      rows,
      notes,
    );
  generator.send({ type: 'exit' });
} finally {
  provider.child.kill('SIGTERM');
  await new Promise((done) => provider.child.once('exit', done));
  if (generator.exitCode === null) {
    const gone = new Promise((done) => generator.once('exit', done));
    const timer = setTimeout(() => generator.kill(), 3000);
    await gone;
    clearTimeout(timer);
  }
  await rm(runDir, { recursive: true, force: true });
}
