import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentCredentials } from '../../src/agent/agentCredentials.ts';
import { checkInBody, clientManifest } from '../fleet/providerHarness.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { startTestProvider } from '../helpers/testProvider.ts';

const test = suite('AgentCredentials');

test('before enrolling the agent sends the enrollment key; after, its machine secret', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const creds = await AgentCredentials.open(dir, 'pbe_key');
    assert.equal(creds.headers('m1'), { 'x-patchbay-enrollment': 'pbe_key' });
    await creds.accept({ machineSecret: 'pbm_secret' });
    assert.equal(creds.headers('m1'), { authorization: 'Machine m1:pbm_secret' });
    assert.is((await stat(join(dir, 'machine-secret'))).mode & 0o777, 0o600);
    const reopened = await AgentCredentials.open(dir);
    assert.ok(reopened.enrolled);
    assert.equal(reopened.headers('m1'), { authorization: 'Machine m1:pbm_secret' });
  } finally {
    await cleanup();
  }
});

test('a reply without a secret changes nothing; reset goes back to the enrollment key', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const creds = await AgentCredentials.open(dir, 'pbe_key');
    await creds.accept({ planEtag: 'x' });
    assert.not.ok(creds.enrolled);
    await creds.accept({ machineSecret: 'pbm_secret' });
    await creds.reset();
    assert.equal((await AgentCredentials.open(dir, 'pbe_key')).headers('m1'), {
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
      creds.headers('m1'),
    );
    assert.is(first.status, 200);
    await creds.accept(first.body);
    const restarted = await AgentCredentials.open(dir, key);
    const again = await provider.anonymous(
      'POST',
      '/agent/v1/checkin',
      checkInBody('m1'),
      restarted.headers('m1'),
    );
    assert.is(again.status, 200);
    const events = await provider.anonymous(
      'POST',
      '/agent/v1/events',
      { machineId: 'm1', events: [{ type: 'check.failed', at: new Date().toISOString() }] },
      restarted.headers('m1'),
    );
    assert.is(events.status, 202);
  } finally {
    await provider.dispose();
    await cleanup();
  }
});

test.run();
