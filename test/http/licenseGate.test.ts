import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type License, signLicense, verifyLicense } from '../../src/domain/license.ts';
import { generateSigningKeyPair } from '../../src/domain/packageSignature.ts';
import { checkInBody, clientManifest } from '../fleet/providerHarness.ts';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('license gate');
const issuer = generateSigningKeyPair();

/** A license as the provider gets it: signed, then verified (as --license does). */
function licensed(features: string[]): License {
  const file = signLicense({ licensee: 'Acme', features }, issuer.privateKeyPem);
  return verifyLicense(JSON.stringify(file), issuer.publicKeyPem);
}

async function withProvider(license: License | undefined, run: (provider: TestProvider) => Promise<void>) {
  const provider = await startTestProvider({ license });
  try {
    for (const version of ['15.01.00.00', '15.01.01.00']) {
      const { body } = await provider.upload(clientManifest(version), `client ${version}`);
      assert.is((await provider.json('PATCH', `/api/v1/updates/${body.id}`, { state: 'GA' })).status, 200);
    }
    await run(provider);
  } finally {
    await provider.dispose();
  }
}

async function checkIn(provider: TestProvider, id: string) {
  const key = (await readFile(join(provider.dataDir, 'enrollment-key'), 'utf8')).trim();
  const reply = await provider.anonymous('POST', '/agent/v1/checkin', checkInBody(id), {
    'x-patchbay-enrollment': key,
  });
  assert.is(reply.status, 200);
  return reply.body;
}

test('without a license nothing is gated: the patch is offered', async () => {
  await withProvider(undefined, async (provider) => {
    const reply = await checkIn(provider, 'm1');
    assert.ok(reply.actions.some((action: { kind: string }) => action.kind === 'install'));
  });
});

test('a license with the updates feature offers the patch', async () => {
  await withProvider(licensed(['updates']), async (provider) => {
    const reply = await checkIn(provider, 'm1');
    assert.ok(reply.actions.some((action: { kind: string }) => action.kind === 'install'));
  });
});

test('a license without updates offers no installs and the report shows ErrorState with the note', async () => {
  await withProvider(licensed(['reports']), async (provider) => {
    const reply = await checkIn(provider, 'm1');
    assert.equal(
      reply.actions.filter((action: { kind: string }) => action.kind === 'install'),
      [],
    );
    const { body: report } = await provider.json('GET', '/api/v1/report');
    const entry = report.ErrorState.find((machine: { id: string }) => machine.id === 'm1');
    assert.ok(entry, JSON.stringify(report));
    assert.ok(entry.notes.includes('license does not allow updates'), JSON.stringify(entry.notes));
  });
});

test.run();
