import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkInBody, clientManifest, startHarness } from '../fleet/providerHarness.ts';

const test = suite('createConfigRouter');

test('a platform version holds newer updates back: the Updates list says why and plans leave them out', async () => {
  const h = await startHarness();
  try {
    const patch = await h.upload(clientManifest('15.01.01.00'));
    await h.call('PATCH', `/api/v1/updates/${patch.id}`, { state: 'GA' });
    const patched = await h.call('PATCH', '/api/v1/config', { platformVersions: { CIC: '15.01.00.00' } });
    assert.is(patched.status, 200);
    assert.equal(patched.body.platformVersions, { CIC: '15.01.00.00' });
    const listed = await h.call('GET', '/api/v1/updates');
    assert.is(listed.body[0].heldBack, true);
    assert.match(listed.body[0].heldBackReason, 'The server is using an earlier version (CIC 15.01.00.00)');
    assert.equal((await h.call('POST', '/agent/v1/checkin', checkInBody('m1'))).body.actions, []);

    await h.call('PATCH', '/api/v1/config', { platformVersions: { CIC: null } });
    assert.equal((await h.call('GET', '/api/v1/config')).body.platformVersions, {});
    assert.is((await h.call('GET', '/api/v1/updates')).body[0].heldBack, false);
    const offered = await h.call('POST', '/agent/v1/checkin', checkInBody('m1'));
    assert.is(offered.body.actions.length, 1);
  } finally {
    await h.close();
  }
});

test('PATCH /api/v1/config with a malformed version is 400 INVALID_REQUEST', async () => {
  const h = await startHarness();
  try {
    const reply = await h.call('PATCH', '/api/v1/config', { platformVersions: { CIC: 'latest' } });
    assert.is(reply.status, 400);
    assert.is(reply.body.error.code, 'INVALID_REQUEST');
  } finally {
    await h.close();
  }
});

test('settings persist across a restart of the provider', async () => {
  const { startProviderServer } = await import('../../src/cli/providerServer.ts');
  const { makeTempDir } = await import('../helpers/tempDir.ts');
  const { dir, cleanup } = await makeTempDir();
  try {
    const first = await startProviderServer({ dataDir: dir, port: 0, host: '127.0.0.1', sync: false });
    try {
      await first.fleet.config.update({ platformVersions: { CIC: '15.02.00.00' }, staleAfterMs: 3_600_000 });
    } finally {
      await first.close();
    }
    const provider = await startProviderServer({ dataDir: dir, port: 0, host: '127.0.0.1', sync: false });
    try {
      const { readAdminToken, adminHeaders } = await import('../helpers/testProvider.ts');
      const headers = adminHeaders(await readAdminToken(dir));
      const body = (await (await fetch(`${provider.url}/api/v1/config`, { headers })).json()) as Record<
        string,
        unknown
      >;
      assert.equal(body.platformVersions, { CIC: '15.02.00.00' });
      assert.is(body.staleAfterMs, 3_600_000);
    } finally {
      await provider.close();
    }
  } finally {
    await cleanup();
  }
});

test.run();
