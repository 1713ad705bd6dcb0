import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders, requestJson } from '../helpers/testProvider.ts';
import { runCli } from './runCli.ts';

const test = suite('patchbay user');
let dir: string;
let cleanup: () => Promise<void>;

test.before.each(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
test.after.each(async () => {
  await cleanup();
});

test('add reads the password from stdin, prints a token once, and both work once the provider runs', async () => {
  const added = await runCli(['user', 'add', 'alice', '--data', dir, '--password-stdin'], 'alice-password\n');
  assert.is(added.code, 0, added.stderr);
  const token = added.stdout.trim();
  assert.match(token, /^pbt_[A-Za-z0-9_-]{43}$/);
  const provider = await spawnProvider(dir, [], { adminToken: token });
  try {
    assert.is(
      (await requestJson(provider.url, 'GET', '/api/v1/updates', undefined, adminHeaders(token))).status,
      200,
    );
    const login = await requestJson(provider.url, 'POST', '/api/v1/login', {
      name: 'alice',
      password: 'alice-password',
    });
    assert.is(login.status, 200);
  } finally {
    await provider.stop();
  }
});

test('list shows users without secrets and remove takes one away', async () => {
  await runCli(['user', 'add', 'alice', '--data', dir, '--no-password']);
  const bob = await runCli(['user', 'add', 'bob', '--data', dir], 'bob-password-1\n');
  const listed = await runCli(['user', 'list', '--data', dir]);
  assert.is(listed.code, 0);
  assert.equal(
    listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t').slice(0, 2)),
    [
      ['alice', 'token only'],
      ['bob', 'password'],
    ],
  );
  assert.not.ok(listed.stdout.includes(bob.stdout.trim()));
  assert.is((await runCli(['user', 'remove', 'bob', '--data', dir])).code, 0);
  assert.match((await runCli(['user', 'list', '--data', dir])).stdout, /^alice\t/);
});

test('a taken name or the last user fail with exit 1 and a reason', async () => {
  await runCli(['user', 'add', 'alice', '--data', dir, '--no-password']);
  const taken = await runCli(['user', 'add', 'alice', '--data', dir, '--no-password']);
  assert.is(taken.code, 1);
  assert.match(taken.stderr, /already exists/);
  const last = await runCli(['user', 'remove', 'alice', '--data', dir]);
  assert.is(last.code, 1);
  assert.match(last.stderr, /last authorized user/);
});

test('while the provider runs, the CLI refuses clearly and points at the API', async () => {
  const provider = await spawnProvider(dir);
  try {
    const result = await runCli(['user', 'add', 'alice', '--data', dir, '--no-password']);
    assert.is(result.code, 1);
    assert.match(result.stderr, /stop the provider or use the API/);
    assert.is(result.stdout, '');
  } finally {
    await provider.stop();
  }
});

test('a missing name or unknown action is a usage error (exit 2)', async () => {
  assert.is((await runCli(['user', 'add', '--data', dir])).code, 2);
  assert.is((await runCli(['user', 'rename', 'x', '--data', dir])).code, 2);
});

test.run();
