import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runProviderCrashRounds } from '../helpers/providerCrashRounds.ts';

const test = suite('provider killed mid-write');
// Bounded for npm test; npm run soak kills 50 times.
const KILLS = Number(process.env.PATCHBAY_CRASH_KILLS ?? 10);

test(`every write answered 2xx before each of ${KILLS} SIGKILLs is present after restart, and the store opens cleanly`, async () => {
  const report = await runProviderCrashRounds({ kills: KILLS });
  assert.is(report.kills, KILLS);
  assert.ok(report.acknowledged > KILLS, `only ${report.acknowledged} acknowledged writes`);
});

test.run();
