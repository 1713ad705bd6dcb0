import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentCredentials } from '../../src/agent/agentCredentials.ts';
import { checkInBody, clientManifest } from '../fleet/providerHarness.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { startTestProvider } from '../helpers/testProvider.ts';

const test = suite('AgentCredentials');
const A = 'http://provider-a:8092';
const B = 'http://provider-b:8092';

test('toward each provider: the enrollment key until it hands over a secret, then the secret', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const creds = await AgentCredentials.open(dir, 'pbe_key');
    assert.equal(creds.headers(A, 'm1'), { 'x-patchbay-enrollment': 'pbe_key' });
    await creds.accept(`${A}/agent/v1/checkin`, { machineSecret: 'pbm_a' });
    assert.equal(creds.headers(A, 'm1'), { authorization: 'Machine m1:pbm_a' });
    assert.equal(creds.headers(B, 'm1'), { 'x-patchbay-enrollment': 'pbe_key' });
    assert.is((await stat(join(dir, 'machine-secrets.json'))).mode & 0o777, 0o600);
    const reopened = await AgentCredentials.open(dir);
    assert.ok(reopened.enrolledWith(A));
    assert.not.ok(reopened.enrolledWith(B));
  } finally {
    await cleanup();
  }
});

test('a reply without a secret changes nothing; reset goes back to the enrollment key', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const creds = await AgentCredentials.open(dir, 'pbe_key');
    await creds.accept(A, { planEtag: 'x' });
    assert.not.ok(creds.enrolledWith(A));
    await creds.accept(A, { machineSecret: 'pbm_a' });
    await creds.reset();
    assert.equal((await AgentCredentials.open(dir, 'pbe_key')).headers(A, 'm1'), {
      'x-patchbay-enrollment': 'pbe_key',
    });
  } finally {
    await cleanup();
  }
});

test('against a real provider: enroll, then check in and post events with the kept secret', async () => {
  const provider = await startTestProvider();
  const { dir, cleanup } = await makeTempDir();
  try {
    await provider.upload(clientManifest('15.01.00.00'), 'client');
    const key = (await readFile(join(provider.dataDir, 'enrollment-key'), 'utf8')).trim();
    const creds = await AgentCredentials.open(dir, key);
    const first = await provider.anonymous(
      'POST',
      '/agent/v1/checkin',
      checkInBody('m1'),
      creds.headers(provider.url, 'm1'),
    );
    assert.is(first.status, 200);
    await creds.accept(provider.url, first.body);
    const restarted = await AgentCredentials.open(dir, key);
    const headers = restarted.headers(provider.url, 'm1');
    assert.is(
      (await provider.anonymous('POST', '/agent/v1/checkin', checkInBody('m1'), headers)).status,
      200,
    );
    const events = await provider.anonymous(
      'POST',
      '/agent/v1/events',
      { machineId: 'm1', events: [{ type: 'check.failed', at: new Date().toISOString() }] },
      headers,
    );
    assert.is(events.status, 202);
  } finally {
    await provider.dispose();
    await cleanup();
  }
});

test.run();
