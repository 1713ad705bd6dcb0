import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startProviderServer } from '../../src/cli/providerServer.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { fixturePath, uploadFixture } from '../helpers/fixtureUpload.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { startTestProvider, type TestProvider, testManifest } from '../helpers/testProvider.ts';
import { signBytes, TEST_PUBLIC_KEY_PATH, UNTRUSTED_PRIVATE_KEY_PATH } from '../helpers/testSigning.ts';

const test = suite('POST /api/v1/updates with VerifyDigitalSignature');
const GOOD = fixturePath('packages/demo-server-25.01.02.14-patch2.tar.gz');
const TAMPERED = fixturePath('bad/tampered/demo-server-25.01.03.18-patch3.tar.gz');
const UNTRUSTED = fixturePath('bad/untrusted-signer/demo-server-25.01.03.19-patch3.tar.gz');

let provider: TestProvider | undefined;
test.after.each(async () => {
  await provider?.dispose();
  provider = undefined;
});

async function storedFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'content'), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

test('a fixture uploaded with its .sig as a file part is imported signed', async () => {
  provider = await startTestProvider();
  const { status, body } = await uploadFixture(provider, GOOD);
  assert.is(status, 201, JSON.stringify(body));
  assert.is(body.signed, true);
  assert.is(body.state, 'PreApproval');
});

test('the manifest part may come after the file part', async () => {
  provider = await startTestProvider();
  const { status, body } = await uploadFixture(provider, GOOD, ['file', 'signature', 'manifest']);
  assert.is(status, 201, JSON.stringify(body));
  assert.is(body.version, '25.01.02.14');
});

test('an unsigned upload is 422 SIGNATURE_MISSING and stores nothing', async () => {
  provider = await startTestProvider();
  const { status, body } = await provider.upload(testManifest(), 'unsigned bytes', 'p.tar.gz', {
    signature: null,
  });
  assert.is(status, 422);
  assert.is(body.error.code, 'SIGNATURE_MISSING');
  assert.equal(await storedFiles(provider.dataDir), []);
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
});

test('a package signed by an untrusted key is 422 SIGNATURE_INVALID (untrusted)', async () => {
  provider = await startTestProvider();
  const { status, body } = await uploadFixture(provider, UNTRUSTED);
  assert.is(status, 422);
  assert.is(body.error.code, 'SIGNATURE_INVALID');
  assert.is(body.error.details.reason, 'untrusted');
  const direct = await provider.upload(testManifest(), 'bytes', 'p.tar.gz', {
    signature: signBytes('bytes', UNTRUSTED_PRIVATE_KEY_PATH),
  });
  assert.is(direct.body.error.code, 'SIGNATURE_INVALID');
  assert.equal(await storedFiles(provider.dataDir), []);
});

test('a tampered package is 422 SIGNATURE_INVALID and never enters the catalog', async () => {
  provider = await startTestProvider();
  const { status, body } = await uploadFixture(provider, TAMPERED);
  assert.is(status, 422);
  assert.is(body.error.code, 'SIGNATURE_INVALID');
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
  assert.equal(await storedFiles(provider.dataDir), []);
});

test('a malformed signature part is 422 SIGNATURE_INVALID (malformed)', async () => {
  provider = await startTestProvider();
  const { body } = await provider.upload(testManifest(), 'bytes', 'p.tar.gz', {
    signature: 'not a signature',
  });
  assert.is(body.error.code, 'SIGNATURE_INVALID');
  assert.is(body.error.details.reason, 'malformed');
});

test('with no trusted keys and the policy on, every package is SIGNATURE_INVALID (no-trusted-keys)', async () => {
  provider = await startTestProvider({ trustedKeyFiles: [] });
  const { body } = await uploadFixture(provider, GOOD);
  assert.is(body.error.code, 'SIGNATURE_INVALID');
  assert.is(body.error.details.reason, 'no-trusted-keys');
});

test('keys in <data>/trusted-keys/*.pub are trusted', async () => {
  const { dir, cleanup } = await makeTempDir();
  await mkdir(join(dir, 'trusted-keys'));
  await copyFile(TEST_PUBLIC_KEY_PATH, join(dir, 'trusted-keys', 'release.pub'));
  try {
    provider = await startTestProvider({ dataDir: dir, trustedKeyFiles: [] });
    const { status, body } = await uploadFixture(provider, GOOD);
    assert.is(status, 201, JSON.stringify(body));
    assert.is(body.signed, true);
  } finally {
    await provider?.dispose();
    provider = undefined;
    await cleanup();
  }
});

test('with verifySignatures false an unsigned package is accepted as signed: false', async () => {
  provider = await startTestProvider({ verifySignatures: false });
  const { status, body } = await provider.upload(testManifest(), 'unsigned', 'p.tar.gz', { signature: null });
  assert.is(status, 201);
  assert.is(body.signed, false);
  const tampered = await uploadFixture(provider, TAMPERED);
  assert.is(tampered.status, 201);
  assert.is(tampered.body.signed, false);
  const good = await uploadFixture(provider, GOOD);
  assert.is(good.body.signed, true);
});

test('a trusted key file that is not an Ed25519 public key fails startup with SIGNING_KEY_INVALID', async () => {
  const { dir, cleanup } = await makeTempDir();
  const bad = join(dir, 'bad.pub');
  await writeFile(bad, 'not a key');
  try {
    for (const trustedKeyFiles of [[bad], [join(dir, 'missing.pub')]]) {
      let started: Awaited<ReturnType<typeof startProviderServer>>;
      try {
        started = await startProviderServer({
          dataDir: join(dir, 'data'),
          port: 0,
          host: '127.0.0.1',
          trustedKeyFiles,
        });
      } catch (error) {
        assert.ok(isPatchbayError(error) && error.code === 'SIGNING_KEY_INVALID', String(error));
        continue;
      }
      // A provider that started anyway must not stay behind, listening.
      await started.close();
      assert.unreachable(`started with a broken trust list ${trustedKeyFiles}`);
    }
  } finally {
    await cleanup();
  }
});

test.run();
