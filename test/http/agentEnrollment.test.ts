import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, clientManifest } from '../fleet/providerHarness.ts';
import { storeDigest, waitForQuietStore } from '../helpers/storeDump.ts';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('agent enrollment and machine secrets');
let provider: TestProvider;
let enrollmentKey: string;
let sha256: string;

test.before(async () => {
  provider = await startTestProvider();
  enrollmentKey = (await readFile(join(provider.dataDir, 'enrollment-key'), 'utf8')).trim();
  const base = await provider.upload(clientManifest('15.01.00.00'), 'client 15.1 GA');
  const patch = await provider.upload(clientManifest('15.01.01.00'), 'client 15.1 patch 1');
  for (const { body } of [base, patch]) {
    assert.is((await provider.json('PATCH', `/api/v1/updates/${body.id}`, { state: 'GA' })).status, 200);
  }
  sha256 = patch.body.sha256;
  // The GA changes append activity entries after their replies; let them land before digests are taken.
  await waitForQuietStore(provider.core.store, provider.dataDir, provider.core.host);
});
test.after(async () => {
  await provider.dispose();
});

const checkIn = (id: string, headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
  provider.anonymous('POST', '/agent/v1/checkin', { ...checkInBody(id), ...extra }, headers);
const events = (id: string, headers: Record<string, string>) =>
  provider.anonymous(
    'POST',
    '/agent/v1/events',
    { machineId: id, events: [{ type: 'check.failed', at: new Date().toISOString() }] },
    headers,
  );
const machine = (id: string, secret: string) => ({ authorization: `Machine ${id}:${secret}` });

async function enrolled(id: string): Promise<string> {
  const { status, body } = await checkIn(id, { 'x-patchbay-enrollment': enrollmentKey });
  assert.is(status, 200);
  assert.match(body.machineSecret, /^pbm_/);
  return body.machineSecret;
}

test('a first check-in without the enrollment key is 401 and stores nothing', async () => {
  await waitForQuietStore(provider.core.store, provider.dataDir, provider.core.host);
  const before = await storeDigest(provider.core.store, provider.dataDir);
  const { status, body } = await checkIn('stranger', {});
  assert.is(status, 401);
  assert.is(body.error.code, 'UNAUTHENTICATED');
  assert.is(
    (await checkIn('stranger', { 'x-patchbay-enrollment': 'pbe_wrong-key-wrong-key-wrong' })).status,
    401,
  );
  assert.is(await storeDigest(provider.core.store, provider.dataDir), before);
  assert.is((await provider.json('GET', '/api/v1/machines/stranger')).status, 404);
});

test('enrolling returns the machine secret once; later check-ins and events need it', async () => {
  const secret = await enrolled('m-1');
  const again = await checkIn('m-1', machine('m-1', secret));
  assert.is(again.status, 200);
  assert.is(again.body.machineSecret, undefined);
  assert.is((await checkIn('m-1', {})).status, 401);
  assert.is((await events('m-1', machine('m-1', secret))).status, 202);
  assert.is((await events('m-1', {})).status, 401);
});

test('check-in and events replies are JSON with the charset, as Koa would label them', async () => {
  const secret = await enrolled('labelled');
  for (const [path, body] of [
    ['/agent/v1/checkin', checkInBody('labelled')],
    [
      '/agent/v1/events',
      { machineId: 'labelled', events: [{ type: 'check.failed', at: new Date().toISOString() }] },
    ],
  ] as const) {
    const response = await fetch(`${provider.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...machine('labelled', secret) },
      body: JSON.stringify(body),
    });
    assert.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
    const text = await response.text();
    assert.is(response.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.type(JSON.parse(text), 'object');
  }
});

test('the enrollment key may ride in the check-in body', async () => {
  const { status, body } = await checkIn('m-body', {}, { enrollmentKey });
  assert.is(status, 200);
  assert.match(body.machineSecret, /^pbm_/);
});

test("a machine id cannot be taken over: not with the enrollment key, nor with another machine's secret", async () => {
  const victim = await enrolled('victim');
  const attacker = await enrolled('attacker');
  const takeovers = [
    await checkIn('victim', { 'x-patchbay-enrollment': enrollmentKey }),
    await checkIn('victim', machine('victim', attacker)),
    await checkIn('victim', machine('attacker', attacker)),
    await events('victim', machine('attacker', attacker)),
    await events('victim', machine('victim', attacker)),
  ];
  assert.equal(
    takeovers.map((reply) => reply.status),
    [401, 401, 401, 401, 401],
  );
  const detail = await provider.json('GET', '/api/v1/machines/victim');
  assert.is(detail.body.name, 'PC-victim');
  assert.is((await checkIn('victim', machine('victim', victim))).status, 200);
});

test('content URLs in the check-in reply are signed and serve the package; unsigned they are 401', async () => {
  const secret = await enrolled('m-url');
  const { body } = await checkIn('m-url', machine('m-url', secret));
  const install = body.actions.find(
    (action: { update: { sha256: string } }) => action.update.sha256 === sha256,
  );
  const url = new URL(install.update.urls[0]);
  assert.ok(url.searchParams.get('exp') && url.searchParams.get('sig'), url.href);
  const served = await fetch(url);
  assert.is(served.status, 200);
  assert.is(await served.text(), 'client 15.1 patch 1');
  assert.is((await fetch(new URL(url.pathname, url))).status, 401);
});

test('after an admin forgets its credentials a machine enrolls again and its old secret is void', async () => {
  const old = await enrolled('m-reset');
  assert.is((await provider.anonymous('DELETE', '/api/v1/machines/m-reset/credentials')).status, 401);
  assert.is((await provider.json('DELETE', '/api/v1/machines/m-reset/credentials')).status, 204);
  assert.is((await provider.json('DELETE', '/api/v1/machines/m-reset/credentials')).status, 404);
  const renewed = await enrolled('m-reset');
  assert.is.not(renewed, old);
  assert.is((await checkIn('m-reset', machine('m-reset', old))).status, 401);
});

test.run();
