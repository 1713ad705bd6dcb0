import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('POST /api/v1/login');
let provider: TestProvider;

test.before(async () => {
  provider = await startTestProvider();
  assert.is(
    (await provider.json('POST', '/api/v1/config/users', { name: 'alice', password: 'alice-password' }))
      .status,
    201,
  );
});
test.after(async () => {
  await provider.dispose();
});

async function login(name: string, password: string): Promise<Response> {
  return fetch(new URL('/api/v1/login', provider.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
}

function cookieOf(response: Response): string {
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

test('a right password sets an HttpOnly, SameSite=Strict session cookie that opens admin routes', async () => {
  const response = await login('alice', 'alice-password');
  assert.is(response.status, 200);
  const setCookie = response.headers.getSetCookie()[0]!;
  assert.match(setCookie, /^patchbay_session=pbs_[A-Za-z0-9_-]{43};/);
  assert.match(setCookie.toLowerCase(), /httponly/);
  assert.match(setCookie.toLowerCase(), /samesite=strict/);
  const { status } = await provider.anonymous('GET', '/api/v1/updates', undefined, {
    cookie: cookieOf(response),
  });
  assert.is(status, 200);
});

test('a wrong password or unknown name is 401 and sets no cookie', async () => {
  for (const [name, password] of [
    ['alice', 'wrong-password'],
    ['mallory', 'alice-password'],
  ] as const) {
    const response = await login(name, password);
    assert.is(response.status, 401);
    assert.is(((await response.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    assert.equal(response.headers.getSetCookie(), []);
  }
});

test('a malformed login body is 400', async () => {
  const { status, body } = await provider.anonymous('POST', '/api/v1/login', { name: 'alice' });
  assert.is(status, 400);
  assert.is(body.error.details.field, 'password');
});

test('logout ends the session: the cookie no longer opens admin routes', async () => {
  const cookie = cookieOf(await login('alice', 'alice-password'));
  const out = await provider.anonymous('POST', '/api/v1/logout', undefined, { cookie });
  assert.is(out.status, 204);
  assert.is((await provider.anonymous('GET', '/api/v1/updates', undefined, { cookie })).status, 401);
});

test.run();
