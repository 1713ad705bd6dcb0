/**
 * The load generator of the check-in benchmark, run as its own process so it does not share the
 * provider's CPU. It runs one autocannon instance per connection (50 by default), each cycling
 * through its own prebuilt requests for its own slice of machines: no per-request callback (which
 * makes autocannon rebuild every request and turns the generator into the bottleneck), and no two
 * connections on the same machine at once. Every scenario, hello-world included, is driven the same
 * way. Prints one JSON line: summed requests/s, and the worst p50/p99 over the connections.
 * Invoked by bench/checkin.ts; its argument is one JSON object.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { benchCheckIn, seededBehind, seededVariant } from './checkinShape.ts';
import { machineAuthorization } from './machineSecrets.ts';

interface LoadOptions {
  url: string;
  scenario: 'hello' | 'unchanged' | 'changed';
  machines: number;
  durationSec: number;
  connections: number;
  /** The plan etag of each inventory variant (what the agents hold). */
  etags: string[];
  /** The first machine of the window this run uses. */
  offset: number;
  /** Every machine's secret, packed (bench/machineSecrets.ts). */
  secretsFile: string;
}

const options = JSON.parse(process.argv[2]!) as LoadOptions;
const secrets = readFileSync(options.secretsFile);
const PER_CONNECTION = Math.max(1, Math.floor(Math.min(options.machines, 20_000) / options.connections));

function checkInRequest(index: number, lagging: number) {
  const variant = seededVariant(index);
  return {
    method: 'POST' as const,
    path: '/agent/v1/checkin',
    headers: { 'content-type': 'application/json', authorization: machineAuthorization(index, secrets) },
    body: JSON.stringify(benchCheckIn(index, variant, lagging, options.etags[variant])),
  };
}

/** The requests connection `c` cycles through. */
function requestsFor(c: number) {
  if (options.scenario === 'hello') return [{ method: 'GET' as const, path: '/bench/hello' }];
  const indexes = Array.from(
    { length: PER_CONNECTION },
    (_, n) => (options.offset + c * PER_CONNECTION + n) % options.machines,
  );
  const behind = (index: number) => seededBehind(seededVariant(index));
  if (options.scenario === 'unchanged') return indexes.map((index) => checkInRequest(index, behind(index)));
  // Changed: each machine alternates between two inventories that both differ from the seeded one
  // (another product a patch behind) while the agent holds the old etag, so every request computes,
  // records and sends a plan.
  return [
    ...indexes.map((index) => checkInRequest(index, behind(index) + 1)),
    ...indexes.map((index) => checkInRequest(index, behind(index) + 2)),
  ];
}

const runs = await Promise.all(
  Array.from({ length: options.connections }, (_, c) =>
    autocannon({ url: options.url, connections: 1, duration: options.durationSec, requests: requestsFor(c) }),
  ),
);
const sum = (pick: (result: autocannon.Result) => number) =>
  runs.reduce((total, run) => total + pick(run), 0);
const worst = (pick: (result: autocannon.Result) => number) => Math.max(...runs.map(pick));
process.stdout.write(
  `${JSON.stringify({
    scenario: options.scenario,
    requestsPerSec: sum((run) => run.requests.average),
    total: sum((run) => run.requests.total),
    p50: worst((run) => run.latency.p50),
    p99: worst((run) => run.latency.p99),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    timeouts: sum((run) => run.timeouts),
  })}\n`,
);
