import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('admin authentication');
let provider: TestProvider;
const logLines: string[] = [];

test.before(async () => {
  provider = await startTestProvider({ log: (line) => logLines.push(line) });
});
test.after(async () => {
  await provider.dispose();
});

/** A concrete path for a router path: every `:param` becomes a plausible id. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, 'some-id');
}

test('the provider serves admin routes (sanity check of the route list)', () => {
  const admin = provider.routes.filter((route) => route.access === 'admin');
  assert.ok(admin.length >= 8, `only ${admin.length} admin routes`);
  assert.ok(admin.every((route) => route.path.startsWith('/api/v1/') || route.path.startsWith('/debug')));
});

test('every admin route answers 401 UNAUTHENTICATED with WWW-Authenticate without credentials', async () => {
  for (const route of provider.routes.filter((r) => r.access === 'admin')) {
    const response = await fetch(new URL(concrete(route.path), provider.url), { method: route.method });
    const body = (await response.json()) as { error: { code: string } };
    assert.is(response.status, 401, `${route.method} ${route.path}`);
    assert.is(body.error.code, 'UNAUTHENTICATED', `${route.method} ${route.path}`);
    assert.is(response.headers.get('www-authenticate'), 'Bearer');
  }
});

test('every admin route answers 401 to a wrong token, another scheme and a forged cookie', async () => {
  const attempts: Record<string, string>[] = [
    { authorization: `Bearer ${provider.adminToken}x` },
    { authorization: `Basic ${Buffer.from(`admin:${provider.adminToken}`).toString('base64')}` },
    { authorization: provider.adminToken },
    { cookie: `patchbay_session=${provider.adminToken}` },
  ];
  for (const route of provider.routes.filter((r) => r.access === 'admin')) {
    for (const headers of attempts) {
      const { status } = await provider.anonymous(route.method, concrete(route.path), undefined, headers);
      assert.is(status, 401, `${route.method} ${route.path} with ${Object.keys(headers)[0]}`);
    }
  }
});

test('an unknown path needs credentials too, so strangers learn nothing about routes', async () => {
  assert.is((await provider.anonymous('GET', '/api/v1/nothing-here')).status, 401);
  assert.is((await provider.json('GET', '/api/v1/nothing-here')).status, 404);
});

test('public routes answer without credentials', async () => {
  assert.is((await provider.anonymous('GET', '/healthz')).status, 200);
});

test('the bearer token authenticates admin routes', async () => {
  assert.is((await provider.json('GET', '/api/v1/updates')).status, 200);
});

test('the first start writes the admin token with mode 0600 and logs its path, never the token', async () => {
  const file = join(provider.dataDir, 'admin-token');
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.match(provider.adminToken, /^pbt_/);
  assert.ok(logLines.some((line) => line.includes(file)));
  assert.not.ok(logLines.some((line) => line.includes(provider.adminToken)));
});

test('a restart keeps the users and does not issue another admin token', async () => {
  const { dataDir, adminToken } = provider;
  await provider.close();
  provider = await startTestProvider({ dataDir });
  assert.is(provider.adminToken, adminToken);
  assert.is((await provider.json('GET', '/api/v1/updates')).status, 200);
});

test.run();
