/**
 * The load generator of the check-in benchmark, run as its own process so it does not share the
 * provider's CPU: autocannon at 50 connections for a fixed time against one scenario, printing the
 * result as one JSON line. Invoked by bench/checkin.ts; arguments are one JSON object.
 */
import autocannon from 'autocannon';
import { benchCheckIn, seededBehind, seededVariant } from './checkinShape.ts';

interface LoadOptions {
  url: string;
  scenario: 'hello' | 'unchanged' | 'changed';
  machines: number;
  durationSec: number;
  connections: number;
  /** The plan etag of each inventory variant, for the unchanged scenario. */
  etags: string[];
  /** The machine to start from, so the changed run does not revisit machines the unchanged run used. */
  offset: number;
}

const options = JSON.parse(process.argv[2]!) as LoadOptions;
// Bodies are built before the clock starts, so the generator measures the provider, not JSON.stringify.
const WINDOW = Math.min(options.machines, 20_000);
const passes = options.scenario === 'changed' ? 2 : 1;
const bodies: Buffer[][] = [];
for (let pass = 0; pass < passes; pass++) {
  const list: Buffer[] = [];
  for (let n = 0; n < WINDOW; n++) {
    const index = (options.offset + n) % options.machines;
    const variant = seededVariant(index);
    const behind = seededBehind(variant);
    // Changed: another product lags than the one last recorded (alternating on every pass over the
    // window) while the agent holds the old etag, so the plan is computed, recorded and sent.
    const lagging = options.scenario === 'changed' ? behind + 1 + pass : behind;
    list.push(Buffer.from(JSON.stringify(benchCheckIn(index, variant, lagging, options.etags[variant]))));
  }
  bodies.push(list);
}
let sent = 0;

function nextBody(): Buffer {
  const n = sent++;
  return bodies[Math.floor(n / WINDOW) % passes]![n % WINDOW]!;
}

const requests =
  options.scenario === 'hello'
    ? [{ method: 'GET' as const, path: '/bench/hello' }]
    : [
        {
          method: 'POST' as const,
          path: '/agent/v1/checkin',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request: Record<string, unknown>) => ({ ...request, body: nextBody() }),
        },
      ];

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationSec,
  requests: requests as never,
});
process.stdout.write(
  `${JSON.stringify({
    scenario: options.scenario,
    requestsPerSec: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
