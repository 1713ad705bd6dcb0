import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adminHeaders, startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('/api/v1/config/users');
let provider: TestProvider;

test.before.each(async () => {
  provider = await startTestProvider();
});
test.after.each(async () => {
  await provider.dispose();
});

function as(token: string, method: string, path: string, body?: unknown) {
  return provider.anonymous(method, path, body, adminHeaders(token));
}

test('POST adds a user and returns a token, shown once, that works at once', async () => {
  const { status, body } = await provider.json('POST', '/api/v1/config/users', { name: 'DOMAIN\\alice' });
  assert.is(status, 201);
  assert.is(body.name, 'DOMAIN\\alice');
  assert.is((await as(body.token, 'GET', '/api/v1/updates')).status, 200);
});

test('GET lists users without any secret', async () => {
  await provider.json('POST', '/api/v1/config/users', { name: 'alice', password: 'alice-password' });
  const { status, body } = await provider.json('GET', '/api/v1/config/users');
  assert.is(status, 200);
  assert.equal(
    body.map((u: { name: string; hasPassword: boolean; tokens: number }) => [
      u.name,
      u.hasPassword,
      u.tokens,
    ]),
    [
      ['admin', false, 1],
      ['alice', true, 1],
    ],
  );
  const text = JSON.stringify(body);
  assert.not.ok(/scrypt|hash|pbt_|password"/.test(text), text);
});

test('a taken name is 409 USER_EXISTS; a bad name or short password is 400', async () => {
  assert.is(
    (await provider.json('POST', '/api/v1/config/users', { name: 'admin' })).body.error.code,
    'USER_EXISTS',
  );
  const bad = await provider.json('POST', '/api/v1/config/users', { name: '../x' });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.details.field, 'name');
  const short = await provider.json('POST', '/api/v1/config/users', { name: 'bob', password: 'short' });
  assert.is(short.body.error.details.field, 'password');
});

test('rotating a token makes the old one 401 and the new one work', async () => {
  const { body: added } = await provider.json('POST', '/api/v1/config/users', { name: 'alice' });
  const { status, body } = await provider.json('POST', '/api/v1/config/users/alice/token');
  assert.is(status, 200);
  assert.is((await as(added.token, 'GET', '/api/v1/updates')).status, 401);
  assert.is((await as(body.token, 'GET', '/api/v1/updates')).status, 200);
});

test('DELETE removes a user, whose token is then refused; the last user cannot be removed', async () => {
  const { body: added } = await provider.json('POST', '/api/v1/config/users', { name: 'alice' });
  assert.is((await provider.json('DELETE', '/api/v1/config/users/alice')).status, 204);
  assert.is((await as(added.token, 'GET', '/api/v1/updates')).status, 401);
  assert.is((await provider.json('DELETE', '/api/v1/config/users/alice')).body.error.code, 'USER_NOT_FOUND');
  const last = await provider.json('DELETE', '/api/v1/config/users/admin');
  assert.is(last.status, 409);
  assert.is(last.body.error.code, 'USER_PROTECTED');
});

test('PUT password lets the user log in', async () => {
  await provider.json('POST', '/api/v1/config/users', { name: 'alice' });
  assert.is(
    (await provider.json('PUT', '/api/v1/config/users/alice/password', { password: 'new-password' })).status,
    204,
  );
  assert.is(
    (await provider.anonymous('POST', '/api/v1/login', { name: 'alice', password: 'new-password' })).status,
    200,
  );
});

test.run();
