/**
 * `npm run bench`: runs every benchmark one after another, each in its own process, and each
 * rewrites its own section of BENCHMARKS.md; this writes the header (machine, command, load).
 * The fleet simulator runs at 100,000 machines (`BENCH_FLEET_MACHINES` overrides), a size that
 * fits in about five minutes; an agent benchmark runs when package.json has `bench:agent`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeBenchHeader } from './benchmarksFile.ts';

const scripts = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
const fleetMachines = process.env.BENCH_FLEET_MACHINES ?? '100000';
const runs: Array<{ script: string; args: string[] }> = [
  { script: 'bench:host', args: [] },
  { script: 'bench:checkin', args: [] },
  { script: 'bench:content', args: [] },
  { script: 'bench:agent', args: [] },
  { script: 'bench:fleet', args: ['--machines', fleetMachines] },
];
const started = new Date();
const loadBefore = loadavg()[0]!;
const outcomes: string[] = [];
for (const { script, args } of runs) {
  if (scripts[script] === undefined) {
    outcomes.push(`${script}: skipped (no such script on this branch)`);
    continue;
  }
  process.stderr.write(`\n=== npm run ${script} ${args.join(' ')}\n`);
  const t = performance.now();
  const result = spawnSync('npm', ['run', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    stdio: 'inherit',
  });
  const seconds = ((performance.now() - t) / 1000).toFixed(0);
  outcomes.push(
    `${script}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${seconds} s`,
  );
}
await writeBenchHeader([
  `Command: \`npm run bench\` (bench:host, bench:checkin, bench:content, bench:agent when present, bench:fleet -- --machines ${fleetMachines}), started ${started.toISOString()}`,
  `1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (2 cores: other work on the machine moves every figure)`,
  `Runs: ${outcomes.join('; ')}`,
]);
process.stderr.write(`${outcomes.join('\n')}\n`);
if (outcomes.some((line) => line.includes('failed'))) process.exitCode = 1;
