import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSecretFile } from '../../src/provider/auth/secretFiles.ts';
import { contentSignature, parseUrlKey } from '../../src/provider/signedUrls.ts';
import { adminHeaders, startTestProvider, type TestProvider, testManifest } from '../helpers/testProvider.ts';

const test = suite('signed /content URLs');
let provider: TestProvider;
let sha: string;
const BYTES = 'signed content bytes';

test.before(async () => {
  provider = await startTestProvider();
  const { status, body } = await provider.upload(testManifest(), BYTES);
  assert.is(status, 201);
  sha = body.sha256;
});
test.after(async () => {
  await provider.dispose();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, provider.url), { headers });

test('a signed URL from the provider serves the bytes', async () => {
  const response = await get(provider.contentPath(sha));
  assert.is(response.status, 200);
  assert.is(await response.text(), BYTES);
});

test('without exp and sig the content is 401 UNAUTHENTICATED', async () => {
  const response = await get(`/content/${sha}`);
  assert.is(response.status, 401);
  const body = (await response.json()) as { error: { code: string; details: { reason: string } } };
  assert.is(body.error.code, 'UNAUTHENTICATED');
  assert.is(body.error.details.reason, 'missing');
});

test('a signature for another hash, or a moved expiry, is 401', async () => {
  const other = new URL(provider.contentPath('0'.repeat(64)), provider.url);
  assert.is((await get(`/content/${sha}${other.search}`)).status, 401);
  const own = new URL(provider.contentPath(sha), provider.url);
  own.searchParams.set('exp', String(Number(own.searchParams.get('exp')) + 3600));
  assert.is((await get(own.pathname + own.search)).status, 401);
});

test('an expired URL is 401 with reason expired', async () => {
  const key = parseUrlKey((await readSecretFile(join(provider.dataDir, 'url-key')))!);
  const exp = Math.floor(Date.now() / 1000) - 1;
  const response = await get(`/content/${sha}?exp=${exp}&sig=${contentSignature(key, sha, exp)}`);
  assert.is(response.status, 401);
  assert.is(
    ((await response.json()) as { error: { details: { reason: string } } }).error.details.reason,
    'expired',
  );
});

test('a remote cache holding the URL key verifies the URL without any machine secret', async () => {
  const key = parseUrlKey((await readSecretFile(join(provider.dataDir, 'url-key')))!);
  const url = new URL(provider.contentPath(sha), provider.url);
  const exp = Number(url.searchParams.get('exp'));
  assert.is(url.searchParams.get('sig'), contentSignature(key, sha, exp));
});

test('an admin token opens content without a signature', async () => {
  assert.is((await get(`/content/${sha}`, adminHeaders(provider.adminToken))).status, 200);
});

test('the URL key and enrollment key are written at first start with mode 0600', async () => {
  for (const name of ['url-key', 'enrollment-key']) {
    assert.is((await stat(join(provider.dataDir, name))).mode & 0o777, 0o600, name);
  }
});

test('openContent serves content unsigned', async () => {
  const open = await startTestProvider({ agents: { openContent: true } });
  try {
    const { body } = await open.upload(testManifest(), BYTES);
    assert.is((await fetch(`${open.url}/content/${body.sha256}`)).status, 200);
  } finally {
    await open.dispose();
  }
});

test.run();
