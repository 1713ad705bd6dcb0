import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../../src/domain/PatchbayError.ts';
import { AuthorizedUsers, INITIAL_ADMIN } from '../../../src/provider/auth/AuthorizedUsers.ts';
import { Store } from '../../../storage/Store.ts';
import { makeTempDir } from '../../helpers/tempDir.ts';

const test = suite('AuthorizedUsers');
let dir: string;
let cleanup: () => Promise<void>;
let store: Store;

test.before.each(async () => {
  ({ dir, cleanup } = await makeTempDir());
  store = await Store.open(dir);
});
test.after.each(async () => {
  await store.close();
  await cleanup();
});

async function rawUsers(): Promise<string> {
  const values: unknown[] = [];
  for await (const [, value] of store.sublevel('users').iterator() as AsyncIterable<[string, unknown]>)
    values.push(value);
  return JSON.stringify(values);
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

test('add returns a token that authenticates the user; only its hash is stored', async () => {
  const users = await AuthorizedUsers.open(store);
  const { token } = await users.add('alice', 'alice-password');
  assert.is(users.userForToken(token), 'alice');
  assert.is(users.userForToken(`${token}x`), undefined);
  const stored = await rawUsers();
  assert.not.ok(stored.includes(token));
  assert.not.ok(stored.includes('alice-password'));
});

test('users, tokens and sessions survive reopening the store', async () => {
  const users = await AuthorizedUsers.open(store);
  const { token } = await users.add('alice', 'alice-password');
  const session = (await users.login('alice', 'alice-password'))!;
  await store.close();
  store = await Store.open(dir);
  const again = await AuthorizedUsers.open(store);
  assert.is(again.userForToken(token), 'alice');
  assert.is(again.userForSession(session.sessionId), 'alice');
  assert.equal(
    again.list().map((u) => [u.name, u.hasPassword, u.tokens]),
    [['alice', true, 1]],
  );
});

test('a taken name is USER_EXISTS and a bad name or short password INVALID_REQUEST', async () => {
  const users = await AuthorizedUsers.open(store);
  await users.add('DOMAIN\\bob');
  assert.is(await code(users.add('DOMAIN\\bob')), 'USER_EXISTS');
  assert.is(await code(users.add('../etc')), 'INVALID_REQUEST');
  assert.is(await code(users.add('carol', 'short')), 'INVALID_REQUEST');
});

test('rotateToken invalidates the old token', async () => {
  const users = await AuthorizedUsers.open(store);
  const { token } = await users.add('alice');
  const rotated = await users.rotateToken('alice');
  assert.is(users.userForToken(token), undefined);
  assert.is(users.userForToken(rotated), 'alice');
  assert.is(await code(users.rotateToken('nobody')), 'USER_NOT_FOUND');
});

test('remove drops the tokens and sessions of the user, but never the last user', async () => {
  const users = await AuthorizedUsers.open(store);
  await users.add('alice', 'alice-password');
  const { token } = await users.add('bob', 'bob-password');
  const session = (await users.login('bob', 'bob-password'))!;
  await users.remove('bob');
  assert.is(users.userForToken(token), undefined);
  assert.is(users.userForSession(session.sessionId), undefined);
  assert.is(await code(users.remove('alice')), 'USER_PROTECTED');
  assert.is(await code(users.remove('bob')), 'USER_NOT_FOUND');
});

test('login refuses a wrong password, an unknown user and a token-only user', async () => {
  const users = await AuthorizedUsers.open(store);
  await users.add('alice', 'alice-password');
  await users.add('robot');
  assert.is(await users.login('alice', 'wrong-password'), undefined);
  assert.is(await users.login('nobody', 'alice-password'), undefined);
  assert.is(await users.login('robot', ''), undefined);
  assert.ok(await users.login('alice', 'alice-password'));
});

test('a session expires after its time to live', async () => {
  let now = 1_000_000;
  const users = await AuthorizedUsers.open(store, { sessionTtlMs: 1000, now: () => now });
  await users.add('alice', 'alice-password');
  const session = (await users.login('alice', 'alice-password'))!;
  now += 999;
  assert.is(users.userForSession(session.sessionId), 'alice');
  now += 1;
  assert.is(users.userForSession(session.sessionId), undefined);
});

test('logout ends the session', async () => {
  const users = await AuthorizedUsers.open(store);
  await users.add('alice', 'alice-password');
  const session = (await users.login('alice', 'alice-password'))!;
  await users.logout(session.sessionId);
  assert.is(users.userForSession(session.sessionId), undefined);
});

test('after too many failed logins the name is locked out even with the right password', async () => {
  let now = 5_000_000;
  const users = await AuthorizedUsers.open(store, { maxFailedLogins: 3, lockoutMs: 60_000, now: () => now });
  await users.add('alice', 'alice-password');
  for (let i = 0; i < 3; i++) assert.is(await users.login('alice', 'guess-guess'), undefined);
  assert.is(await users.login('alice', 'alice-password'), undefined);
  now += 60_000;
  assert.ok(await users.login('alice', 'alice-password'));
});

test('ensureInitialAdmin delivers a token once, before storing the admin', async () => {
  const users = await AuthorizedUsers.open(store);
  const delivered: string[] = [];
  assert.ok(await users.ensureInitialAdmin(async (token) => void delivered.push(token)));
  assert.not.ok(await users.ensureInitialAdmin(async (token) => void delivered.push(token)));
  assert.is(delivered.length, 1);
  assert.is(users.userForToken(delivered[0]!), INITIAL_ADMIN);
});

test('a failed delivery stores no admin, so the next start tries again', async () => {
  const users = await AuthorizedUsers.open(store);
  assert.is(
    await code(
      users.ensureInitialAdmin(async () => {
        throw new Error('disk full');
      }),
    ),
    'Error: disk full',
  );
  assert.is(users.size, 0);
});

test.run();
