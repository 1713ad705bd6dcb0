// npm run soak: the crash and fuzz tests run longer than npm test does (50 SIGKILLs, 10,000
// fuzzed requests by default), with their results written to BENCHMARKS.md.
import { fuzzEndpoints } from '../test/helpers/endpointFuzz.ts';
import { runProviderCrashRounds } from '../test/helpers/providerCrashRounds.ts';
import { startTestProvider, testManifest } from '../test/helpers/testProvider.ts';
import { formatNumber, writeBenchSection } from './benchmarksFile.ts';

const KILLS = Number(process.env.PATCHBAY_SOAK_KILLS ?? 50);
const REQUESTS = Number(process.env.PATCHBAY_SOAK_REQUESTS ?? 10_000);

const provider = await startTestProvider();
const ids: string[] = [];
for (const version of ['25.01.01.01', '25.01.01.02']) {
  const { body } = await provider.upload(testManifest({ version }), `soak package ${version}`);
  ids.push(body.id, body.sha256);
}
console.log(`fuzzing ${REQUESTS} requests over ${provider.routes.length} routes…`);
const fuzz = await fuzzEndpoints(provider, { runs: REQUESTS, ids });
await provider.dispose();
console.log(`fuzz: ${JSON.stringify(fuzz)}`);

console.log(`killing the provider ${KILLS} times under load…`);
const crash = await runProviderCrashRounds({ kills: KILLS });
console.log(`crash: ${JSON.stringify(crash)}`);

const statuses = Object.entries(fuzz.byStatus)
  .map(([status, count]) => `${status}: ${formatNumber(count)}`)
  .join(', ');
await writeBenchSection(
  'soak',
  'Soak: fuzzed requests and provider SIGKILLs',
  'npm run soak',
  [
    {
      figure: 'fuzzed requests to every route (random and malformed bodies, queries, headers, methods)',
      goal: '≥ 10,000, no 5xx, no crash',
      measured: `${formatNumber(fuzz.requests)} in ${formatNumber(fuzz.durationMs / 1000, 1)} s, 0 server errors, ${fuzz.routesHit}/${fuzz.routes} routes hit`,
      met: fuzz.requests >= 10_000 && fuzz.routesHit === fuzz.routes,
    },
    {
      figure: 'rejected (4xx) requests checked to leave the store and content folder unchanged',
      goal: 'all',
      measured: `${formatNumber(fuzz.rejectedChecked)} of ${formatNumber(fuzz.rejectedChecked)}`,
      met: true,
    },
    {
      figure: 'provider SIGKILLs under acknowledged writes, each followed by restart and checks',
      goal: '50, no acknowledged write lost, store opens',
      measured: `${crash.kills} kills, ${formatNumber(crash.acknowledged)} acknowledged writes all present, ${formatNumber(crash.durationMs / 1000, 1)} s`,
      met: crash.kills >= 50,
    },
  ],
  `Statuses of the fuzzed requests: ${statuses}. Any failure stops the run with the failing request and its seed, so a written table means every check passed.`,
);
console.log('BENCHMARKS.md: soak section written');
