/**
 * The provider process of the fleet simulator: `patchbay provider` on a seeded data folder, plus one
 * bench-only route, `GET /bench/hello`, on the same Koa app right after the error middleware (where
 * the agent routes sit), as the hello-world baseline; the app is served from a second server made
 * after the splice (the CLI's own server keeps the app as composed at start). Logs "listening on <url>" on stderr like the
 * CLI. Update-folder scans are pushed out of the run.
 *
 * Run by bench/fleet.ts, compiled first (scripts/build.ts --project bench/tsconfig.fleetProvider.json):
 *   node .tmp/bench-build/bench/fleetProvider.js <dataDir>
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { startProviderServer } from '../src/cli/providerServer.ts';
import { serveWithHelloRoute } from './helloServer.ts';

const dataDir = process.argv[2]!;
const log = (line: string) => process.stderr.write(`[provider] ${line}\n`);
const provider = await startProviderServer({
  dataDir,
  port: 0,
  host: '127.0.0.1',
  scanDelayMs: 3_600_000,
  log,
});
const { server, url } = await serveWithHelloRoute(provider.app);
log(`listening on ${url}`);
// BENCH_ALLOC_PROFILE=<file>: a sampling profile of every allocation (garbage included) over the
// run, written at SIGTERM, for where the young generation's garbage comes from.
// BENCH_PROMOTED_PROFILE=<file>: the same, but only of objects that outlived a scavenge (promoted,
// dead or not), for what fills the old generation and so paces its mark-compacts.
const profileFile = process.env.BENCH_ALLOC_PROFILE ?? process.env.BENCH_PROMOTED_PROFILE;
const allocations = profileFile
  ? await startAllocationSampling({ young: process.env.BENCH_ALLOC_PROFILE !== undefined })
  : undefined;
const stop = async () => {
  if (allocations) await writeFile(profileFile!, JSON.stringify(await allocations()));
  server.close();
  server.closeAllConnections();
  void provider.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// BENCH_MEMORY_LOG=1: where the RSS goes (V8 heap, buffers, the rest is native: LevelDB, code), every 10 s.
if (process.env.BENCH_MEMORY_LOG) {
  setInterval(() => {
    const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;
    const usage = process.memoryUsage();
    log(
      `memory: rss ${mib(usage.rss)}, heap ${mib(usage.heapUsed)} used of ${mib(usage.heapTotal)}, external ${mib(usage.external)} (array buffers ${mib(usage.arrayBuffers)})`,
    );
  }, 10_000).unref();
}
// BENCH_COMMIT_LOG=1: group-commit batches and ops per second, every 5 s (how well commits group).
if (process.env.BENCH_COMMIT_LOG) {
  let last = provider.core.host.commitStats;
  setInterval(() => {
    const now = provider.core.host.commitStats;
    const batches = now.batches - last.batches;
    const ops = now.ops - last.ops;
    log(
      `commits: ${(batches / 5).toFixed(0)} batches/s, ${(ops / 5).toFixed(0)} ops/s, ${(ops / Math.max(1, batches)).toFixed(1)} ops/batch`,
    );
    last = now;
  }, 5_000).unref();
}

/**
 * Starts V8's sampling heap profiler keeping objects the major GC collected too, and with `young`
 * those a scavenge collected; resolves to its stop function.
 */
async function startAllocationSampling(options: { young: boolean }): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32_768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: options.young,
  });
  return async () => (await session.post('HeapProfiler.stopSampling')).profile;
}
