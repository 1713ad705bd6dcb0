import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { signLicense } from '../../src/domain/license.ts';
import { generateSigningKeyPair } from '../../src/domain/packageSignature.ts';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders, requestJson } from '../helpers/testProvider.ts';
import { runCli } from './runCli.ts';

const test = suite('patchbay provider security flags');

test('--license with --license-key is verified at start and shown by GET /api/v1/config/license', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const issuer = generateSigningKeyPair();
    await writeFile(join(dir, 'issuer.pub'), issuer.publicKeyPem);
    const license = signLicense({ licensee: 'Acme', features: ['reports'] }, issuer.privateKeyPem);
    await writeFile(join(dir, 'license.json'), JSON.stringify(license));
    const provider = await spawnProvider(join(dir, 'data'), [
      '--license',
      join(dir, 'license.json'),
      '--license-key',
      join(dir, 'issuer.pub'),
    ]);
    try {
      const { body } = await requestJson(
        provider.url,
        'GET',
        '/api/v1/config/license',
        undefined,
        adminHeaders(provider.adminToken),
      );
      assert.equal(body, {
        licensed: true,
        licensee: 'Acme',
        features: ['reports'],
        updatesAllowed: false,
        note: 'license does not allow updates',
      });
    } finally {
      await provider.stop();
    }
  } finally {
    await cleanup();
  }
});

test('a forged license stops the provider from starting, with exit 1 and the reason', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const issuer = generateSigningKeyPair();
    await writeFile(join(dir, 'issuer.pub'), issuer.publicKeyPem);
    const license = signLicense({ licensee: 'Acme', features: [] }, issuer.privateKeyPem);
    license.license.features.push('updates');
    await writeFile(join(dir, 'license.json'), JSON.stringify(license));
    const result = await runCli([
      'provider',
      '--data',
      join(dir, 'data'),
      '--port',
      '0',
      '--license',
      join(dir, 'license.json'),
      '--license-key',
      join(dir, 'issuer.pub'),
    ]);
    assert.is(result.code, 1);
    assert.match(result.stderr, /license signature does not verify/);
  } finally {
    await cleanup();
  }
});

test('--max-checkin-bytes past 2,147,483,647 is a usage error', async () => {
  const result = await runCli(['provider', '--max-checkin-bytes', '2147483648', '--port', '0']);
  assert.is(result.code, 2);
  assert.match(result.stderr, /--max-checkin-bytes/);
});

test.run();
