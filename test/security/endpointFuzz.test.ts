import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzEndpoints } from '../helpers/endpointFuzz.ts';
import { startTestProvider, type TestProvider, testManifest } from '../helpers/testProvider.ts';

const test = suite('fuzzEndpoints');
let provider: TestProvider;
const ids: string[] = [];
// Bounded for npm test; npm run soak sends ≥ 10,000.
const RUNS = Number(process.env.PATCHBAY_FUZZ_RUNS ?? 600);

test.before(async () => {
  provider = await startTestProvider();
  for (const version of ['25.01.01.01', '25.01.01.02']) {
    const { status, body } = await provider.upload(testManifest({ version }), `fuzz package ${version}`);
    assert.is(status, 201);
    ids.push(body.id, body.sha256);
  }
});
test.after(async () => {
  await provider.dispose();
});

test('random and malformed requests to every endpoint: no 5xx, an envelope on errors, no write on a 4xx', async () => {
  const report = await fuzzEndpoints(provider, { runs: RUNS, ids });
  assert.is(report.routesHit, report.routes, 'every route was fuzzed');
  assert.ok(report.rejectedChecked > RUNS / 4, `only ${report.rejectedChecked} rejections checked`);
});

test.run();
