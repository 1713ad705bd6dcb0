import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyDigest } from '../../src/domain/packageSignature.ts';
import {
  adminHeaders,
  startTestProvider,
  type TestProvider,
  testManifest,
  uploadPackage,
} from '../helpers/testProvider.ts';
import { TEST_PUBLIC_KEY_PATH } from '../helpers/testSigning.ts';

const test = suite('Updates API');
let provider: TestProvider;

test.before.each(async () => {
  provider = await startTestProvider({ maxUploadBytes: 64 * 1024 });
});
test.after.each(async () => {
  await provider.dispose();
});

async function addUpdate(
  overrides: Record<string, unknown> = {},
  bytes = `bytes of ${JSON.stringify(overrides)}`,
) {
  const { status, body } = await provider.upload(testManifest(overrides), bytes);
  assert.is(status, 201, JSON.stringify(body));
  return body;
}

async function storedFiles(): Promise<string[]> {
  const root = join(provider.dataDir, 'content');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

test('POST /api/v1/updates adds a package in PreApproval with its hash and size', async () => {
  const bytes = 'package bytes';
  const update = await addUpdate({}, bytes);
  assert.is(update.state, 'PreApproval');
  assert.is(update.highPriority, false);
  assert.is(update.size, bytes.length);
  assert.is(update.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.is(update.fileName, 'package.tar.gz');
  assert.equal(update.installProperties, { LOGLEVEL: 'info' });
  assert.equal(await storedFiles(), [update.sha256]);
});

test('GET /api/v1/updates lists oldest first and filters by productLine, application, state, highPriority', async () => {
  const a = await addUpdate({ application: 'A' });
  const b = await addUpdate({ application: 'B', productLine: 'OTHER' });
  const c = await addUpdate({ application: 'C' });
  await provider.json('PATCH', `/api/v1/updates/${c.id}`, { state: 'GA' });
  await provider.json('PUT', `/api/v1/updates/${c.id}/high-priority`);
  const ids = async (query: string) =>
    (await provider.json('GET', `/api/v1/updates${query}`)).body.map((update: { id: string }) => update.id);
  assert.equal(await ids(''), [a.id, b.id, c.id]);
  assert.equal(await ids('?productLine=DEMO'), [a.id, c.id]);
  assert.equal(await ids('?application=B'), [b.id]);
  assert.equal(await ids('?state=GA'), [c.id]);
  assert.equal(await ids('?highPriority=true'), [c.id]);
  assert.equal(await ids('?highPriority=false&state=PreApproval'), [a.id, b.id]);
});

test('GET /api/v1/updates with a bad filter is 400 INVALID_REQUEST naming the field', async () => {
  const { status, body } = await provider.json('GET', '/api/v1/updates?state=Shipped');
  assert.is(status, 400);
  assert.is(body.error.code, 'INVALID_REQUEST');
  assert.is(body.error.details.field, 'state');
});

test('PATCH state PreApproval → GA → Inactive → Remove is allowed step by step', async () => {
  const update = await addUpdate();
  for (const state of ['GA', 'Inactive', 'Remove', 'GA']) {
    const { status, body } = await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state });
    assert.is(status, 200);
    assert.is(body.state, state);
  }
  assert.is((await provider.json('GET', `/api/v1/updates/${update.id}`)).body.state, 'GA');
});

test('PATCH state PreApproval → Remove on a never-GA update is refused with 409 and changes nothing', async () => {
  const update = await addUpdate();
  const { status, body } = await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state: 'Remove' });
  assert.is(status, 409);
  assert.is(body.error.code, 'UPDATE_INVALID_TRANSITION');
  assert.is((await provider.json('GET', `/api/v1/updates/${update.id}`)).body.state, 'PreApproval');
});

test('PATCH with malformed JSON, a missing state, or the wrong media type changes nothing', async () => {
  const update = await addUpdate();
  const malformed = await provider.json('PATCH', `/api/v1/updates/${update.id}`, '{"state":');
  assert.is(malformed.status, 400);
  assert.is(malformed.body.error.code, 'INVALID_REQUEST');
  const missing = await provider.json('PATCH', `/api/v1/updates/${update.id}`, { highPriority: true });
  assert.is(missing.status, 400);
  assert.is(missing.body.error.details.field, 'state');
  const response = await fetch(`${provider.url}/api/v1/updates/${update.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'text/plain', ...adminHeaders(provider.adminToken) },
    body: 'state=GA',
  });
  assert.is(response.status, 415);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.is((await provider.json('GET', `/api/v1/updates/${update.id}`)).body.state, 'PreApproval');
});

test('unknown ids are 404 UPDATE_NOT_FOUND on every update route', async () => {
  for (const [method, path, body] of [
    ['GET', '/api/v1/updates/nope', undefined],
    ['PATCH', '/api/v1/updates/nope', { state: 'GA' }],
    ['PUT', '/api/v1/updates/nope/high-priority', undefined],
    ['DELETE', '/api/v1/updates/nope/high-priority', undefined],
    ['PUT', '/api/v1/updates/nope/related-installs', { updateIds: [] }],
    ['DELETE', '/api/v1/updates/nope', undefined],
  ] as const) {
    const response = await provider.json(method, path, body);
    assert.is(response.status, 404, `${method} ${path}`);
    assert.is(response.body.error.code, 'UPDATE_NOT_FOUND');
  }
});

test('PUT and DELETE high-priority mark and unmark, and are idempotent', async () => {
  const update = await addUpdate();
  assert.is(
    (await provider.json('PUT', `/api/v1/updates/${update.id}/high-priority`)).body.highPriority,
    true,
  );
  assert.is(
    (await provider.json('PUT', `/api/v1/updates/${update.id}/high-priority`)).body.highPriority,
    true,
  );
  assert.is(
    (await provider.json('DELETE', `/api/v1/updates/${update.id}/high-priority`)).body.highPriority,
    false,
  );
  assert.is((await provider.json('DELETE', `/api/v1/updates/${update.id}/high-priority`)).status, 200);
});

test('PUT related-installs accepts another product’s Install and refuses anything else', async () => {
  const patch = await addUpdate();
  const otherInstall = await addUpdate({
    application: 'Demo Client',
    upgradeCode: 'UC-DEMO-CLIENT',
    productCode: 'PC-DEMO-CLIENT',
    installType: 'Install',
    patch: 'GA Install',
    version: '25.01.00.01',
  });
  const ok = await provider.json('PUT', `/api/v1/updates/${patch.id}/related-installs`, {
    updateIds: [otherInstall.id],
  });
  assert.is(ok.status, 200);
  assert.equal(ok.body.relatedInstalls, [otherInstall.id]);
  const self = await provider.json('PUT', `/api/v1/updates/${patch.id}/related-installs`, {
    updateIds: [patch.id],
  });
  assert.is(self.status, 400);
  const unknown = await provider.json('PUT', `/api/v1/updates/${patch.id}/related-installs`, {
    updateIds: ['nope'],
  });
  assert.is(unknown.status, 404);
  assert.equal((await provider.json('GET', `/api/v1/updates/${patch.id}`)).body.relatedInstalls, [
    otherInstall.id,
  ]);
});

test('DELETE is 409 UPDATE_IN_USE while GA or Remove, and 204 once Inactive, freeing the content', async () => {
  const update = await addUpdate();
  await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state: 'GA' });
  const inUse = await provider.json('DELETE', `/api/v1/updates/${update.id}`);
  assert.is(inUse.status, 409);
  assert.is(inUse.body.error.code, 'UPDATE_IN_USE');
  await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state: 'Remove' });
  assert.is((await provider.json('DELETE', `/api/v1/updates/${update.id}`)).status, 409);
  await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state: 'Inactive' });
  assert.is((await provider.json('DELETE', `/api/v1/updates/${update.id}`)).status, 204);
  assert.is((await provider.json('GET', `/api/v1/updates/${update.id}`)).status, 404);
  assert.equal(await storedFiles(), []);
});

test('deleting one of two updates sharing bytes keeps the content for the other', async () => {
  const first = await addUpdate({}, 'shared');
  await addUpdate({ version: '25.01.01.04' }, 'shared');
  assert.is((await provider.json('DELETE', `/api/v1/updates/${first.id}`)).status, 204);
  assert.is((await storedFiles()).length, 1);
});

test('uploading the same package twice is 409 UPDATE_DUPLICATE naming the first', async () => {
  const first = await addUpdate({}, 'same');
  const again = await provider.upload(testManifest(), 'same');
  assert.is(again.status, 409);
  assert.is(again.body.error.code, 'UPDATE_DUPLICATE');
  assert.is(again.body.error.details.id, first.id);
  assert.is((await provider.json('GET', '/api/v1/updates')).body.length, 1);
});

test('an upload with a bad manifest is 400 INVALID_MANIFEST naming the field, and stores nothing', async () => {
  const badVersion = await provider.upload(testManifest({ version: '25.1.x' }), 'bytes');
  assert.is(badVersion.status, 400);
  assert.is(badVersion.body.error.code, 'INVALID_MANIFEST');
  assert.is(badVersion.body.error.details.field, 'version');
  const missing = await provider.upload(testManifest({ upgradeCode: undefined }), 'bytes');
  assert.is(missing.body.error.details.field, 'upgradeCode');
  const notJson = await provider.upload('{not json', 'bytes');
  assert.is(notJson.status, 400);
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
  assert.equal(await storedFiles(), []);
});

test('an upload whose bytes do not match the declared sha256 is CONTENT_HASH_MISMATCH and leaves no file', async () => {
  const { status, body } = await provider.upload(testManifest({ sha256: 'a'.repeat(64) }), 'bytes');
  assert.is(status, 422);
  assert.is(body.error.code, 'CONTENT_HASH_MISMATCH');
  assert.equal(await storedFiles(), []);
});

test('an upload over the size limit is 413 BODY_TOO_LARGE and leaves no file', async () => {
  const { status, body } = await provider.upload(testManifest(), Buffer.alloc(200 * 1024, 1));
  assert.is(status, 413);
  assert.is(body.error.code, 'BODY_TOO_LARGE');
  assert.equal(await storedFiles(), []);
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
});

test('an upload without a file part or as JSON is refused', async () => {
  const form = new FormData();
  form.append('manifest', JSON.stringify(testManifest()));
  const noFile = await fetch(`${provider.url}/api/v1/updates`, {
    method: 'POST',
    body: form,
    headers: adminHeaders(provider.adminToken),
  });
  assert.is(noFile.status, 400);
  assert.is(((await noFile.json()) as { error: { details: { field: string } } }).error.details.field, 'file');
  const asJson = await provider.json('POST', '/api/v1/updates', testManifest());
  assert.is(asJson.status, 415);
});

test('a JSON body over the admin limit is 413', async () => {
  const update = await addUpdate();
  const huge = { state: 'GA', padding: 'x'.repeat(2 * 1024 * 1024) };
  const { status, body } = await provider.json('PATCH', `/api/v1/updates/${update.id}`, huge);
  assert.is(status, 413);
  assert.is(body.error.code, 'BODY_TOO_LARGE');
  assert.is((await provider.json('GET', `/api/v1/updates/${update.id}`)).body.state, 'PreApproval');
});

test('a client file name never becomes a path', async () => {
  const { body } = await uploadPackage(provider.url, testManifest(), 'x', '../../etc/passwd', {
    headers: adminHeaders(provider.adminToken),
  });
  assert.is(body.fileName, 'passwd');
});

test('a signed upload carries its verified signature, which checks against the trusted key', async () => {
  const update = await addUpdate({}, 'signed bytes');
  assert.is(update.signed, true);
  assert.type(update.signature, 'string');
  const trusted = readFileSync(TEST_PUBLIC_KEY_PATH, 'utf8');
  assert.ok(verifyDigest(update.sha256, Buffer.from(update.signature, 'base64'), [trusted]));
});

test('GET /healthz and /api/v1/about answer', async () => {
  assert.equal((await provider.json('GET', '/healthz')).body, { status: 'ok' });
  const about = (await provider.json('GET', '/api/v1/about')).body;
  assert.is(about.name, 'Patchbay');
  assert.is(about.role, 'local');
  assert.type(about.machineName, 'string');
  assert.ok(Array.isArray(about.addresses));
});

test('an unknown route is 404 NOT_FOUND in the error envelope', async () => {
  const { status, body } = await provider.json('GET', '/api/v1/nothing-here');
  assert.is(status, 404);
  assert.is(body.error.code, 'NOT_FOUND');
});

test('changes survive a restart of the provider', async () => {
  const update = await addUpdate();
  await provider.json('PATCH', `/api/v1/updates/${update.id}`, { state: 'GA' });
  await provider.json('PUT', `/api/v1/updates/${update.id}/high-priority`);
  const dataDir = provider.dataDir;
  await provider.close();
  const again = await startTestProvider({ dataDir });
  try {
    const { body } = await again.json('GET', `/api/v1/updates/${update.id}`);
    assert.is(body.state, 'GA');
    assert.is(body.highPriority, true);
  } finally {
    await again.close();
  }
});

test.run();
