// npm run bench:agent — one agent's download throughput against curl fetching the same file from
// the same provider in the same run, cancel latency, and the agent's RSS idle and while downloading.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseUrlKey, signContentPath } from '../src/provider/signedUrls.ts';
import { publish } from '../test/helpers/agentFixtures.ts';
import { makeBigPackage } from '../test/helpers/bigPackage.ts';
import type { ChildAgent } from '../test/helpers/childAgent.ts';
import { activity, E2eWorld, eventually } from '../test/helpers/e2eWorld.ts';
import { makeTempDir } from '../test/helpers/tempDir.ts';
import { type BenchRow, formatNumber, writeBenchSection } from './benchmarksFile.ts';

const FILE_MB = 128;
const ROUNDS = 3;
const CANCELS = 5;
const MB = 1024 * 1024;
const run = promisify(execFile);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Resident set size of a process in bytes, from /proc. */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** curl in its own process, saving to a file as a download does (not /dev/null), then deleting it. */
async function curlSpeed(url: string, expected: number, file: string): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-f', '-o', file, '-w', '%{size_download} %{time_total}', url]);
  await rm(file, { force: true });
  const [size, seconds] = stdout.trim().split(' ').map(Number) as [number, number];
  if (size !== expected) throw new Error(`curl got ${size} bytes, expected ${expected}`);
  return size / seconds;
}

const world = new E2eWorld();
const packages = await makeTempDir('pb-bench-agent-');
// A real `patchbay provider` process, with the e2e world's enrollment key and admin token.
const provider = await world.provider();
const urlKey = parseUrlKey(await readFile(join(provider.dir, 'url-key'), 'utf8'));
try {
  const base = await makeBigPackage(packages.dir, '25.01.00.01', 0.01);
  const baseId = await publish(provider.url, base);
  const seed = [{ pkg: base, id: baseId }];
  const config = { mode: 'download', checkInterval: { minMs: 200, maxMs: 200 } };
  const agent: ChildAgent = await world.agent([provider.url], config, { seed });
  const pid = agent.child.pid!;
  await agent.waitFor((s) => s.phase === 'idle' && s.nextCheckAt !== null, 20_000, 'idle');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle: number[] = [];
  for (let i = 0; i < 10; i++) {
    idle.push(await rssOf(pid));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const agentRates: number[] = [];
  const curlRates: number[] = [];
  let peakRss = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const pkg = await makeBigPackage(packages.dir, `${25 + round}.01.00.01`, FILE_MB);
    const id = await publish(provider.url, pkg);
    // curl first, in its own process, on the same URL the agent will use.
    // The same signed URL a check-in reply hands out (the key is the provider's <data>/url-key).
    const path = signContentPath(urlKey, pkg.manifest.sha256, Date.now(), 3600);
    curlRates.push(
      await curlSpeed(`${provider.url}${path}`, pkg.bytes.length, join(packages.dir, 'curl.out')),
    );
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, await rssOf(pid).catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await agent.waitFor(
      (s) => s.updates.some((u) => u.id === id && u.download?.state === 'done'),
      120_000,
      'downloaded',
    );
    sampling = false;
    await sampler;
    const events = await eventually(
      () => activity(provider.url, agent.machineId),
      (list) => list.some((e) => e.updateId === id && e.type === 'download.succeeded'),
      10_000,
      'reported',
    );
    const started = Date.parse(
      events.find((e) => e.updateId === id && e.type === 'download.started')!.reportedAt!,
    );
    const done = Date.parse(
      events.find((e) => e.updateId === id && e.type === 'download.succeeded')!.reportedAt!,
    );
    agentRates.push(pkg.bytes.length / ((done - started) / 1000));
    // Install it, so the next round's release is the next thing offered.
    await agent.control('POST', '/apply');
    await agent.waitFor((s) => s.phase === 'idle' && s.updates.length === 0, 60_000, 'installed');
  }

  // Cancel latency: a throttled agent (so a cancel lands mid-transfer), cancelled and resumed.
  const slow = await world.agent(
    [provider.url],
    { ...config, mode: 'manual', maxDownloadRate: 40 * MB },
    { seed },
  );
  await slow.control('POST', '/check');
  await slow.waitFor((s) => s.phase === 'available', 20_000, 'offered');
  const latencies: number[] = [];
  const stopped: number[] = [];
  for (let i = 0; i < CANCELS; i++) {
    await slow.control('POST', '/apply');
    const at = (await slow.status()).updates[0]?.download?.bytes ?? 0;
    await slow.waitFor((s) => (s.updates[0]?.download?.bytes ?? 0) > at + 8 * MB, 20_000, 'transferring');
    const asked = performance.now();
    const reply = await slow.control('POST', '/cancel');
    stopped.push(reply.body.stoppedInMs);
    await slow.waitFor((s) => s.updates[0]?.download?.state === 'cancelled', 5000, 'cancelled');
    latencies.push(performance.now() - asked);
    await slow.waitFor((s) => s.phase === 'available', 5000, 'at rest');
  }

  const agentRate = median(agentRates);
  const curlRate = median(curlRates);
  const ratio = agentRate / curlRate;
  const rows: BenchRow[] = [
    {
      figure: `download throughput, ${FILE_MB} MB package (median of ${ROUNDS})`,
      goal: '≥ 0.9 × curl',
      measured: `${formatNumber(agentRate / MB, 1)} MB/s`,
      baseline: `curl ${formatNumber(curlRate / MB, 1)} MB/s`,
      ratio: formatNumber(ratio, 2),
      met: ratio >= 0.9,
    },
    {
      figure: `cancel: request → no transfer running, inside the agent (median of ${CANCELS}, max ${formatNumber(Math.max(...stopped), 1)} ms)`,
      goal: '< 200 ms',
      measured: `${formatNumber(median(stopped), 1)} ms`,
      met: Math.max(...stopped) < 200,
    },
    {
      figure: `cancel: POST /cancel → cancelled state seen in /status by the client (median of ${CANCELS}, max ${formatNumber(Math.max(...latencies), 1)} ms)`,
      goal: '< 200 ms',
      measured: `${formatNumber(median(latencies), 1)} ms`,
      met: Math.max(...latencies) < 200,
    },
    {
      figure: 'agent RSS idle (median of 10 samples)',
      goal: '—',
      measured: `${formatNumber(median(idle) / MB, 1)} MB`,
    },
    {
      figure: 'agent RSS peak while downloading',
      goal: '—',
      measured: `${formatNumber(peakRss / MB, 1)} MB`,
    },
  ];
  await writeBenchSection(
    'agent',
    'Agent: download throughput, cancel latency, memory',
    'npm run bench:agent',
    rows,
    `The provider and the agent are real \`patchbay provider\` / \`patchbay agent\` processes (tsx) on loopback;
the load average (other work on the same cores) is printed around the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}.
Agent throughput is measured by the agent itself (download.started → download.succeeded, as reported), so it
includes writing each chunk to the partial file, hashing it (SHA-256), checking the Ed25519 signature, fsync
and the rename into place; curl saves to a file in the same temp folder and checks nothing. Cancel latency is the control-API round
trip plus the time until the download actor's cancelled state is committed, observed by polling /status.`,
  );
  for (const row of rows)
    console.log(
      `${row.figure}: ${row.measured}${row.baseline ? ` (${row.baseline}, ratio ${row.ratio})` : ''}`,
    );
} finally {
  await world.dispose();
  await packages.cleanup();
}
