import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders, requestJson, testManifest, uploadPackage } from '../helpers/testProvider.ts';

const test = suite('provider killed mid-write');

// GA ⇄ Inactive is always allowed, so a stream of alternating PATCHes never hits a refusal.
const NEXT_STATE: Record<string, string> = { PreApproval: 'GA', GA: 'Inactive', Inactive: 'GA' };

test('every change answered 2xx before a SIGKILL is present after restart, and the store opens cleanly', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    let provider = await spawnProvider(dir);
    const acknowledged = new Map<string, string>();
    const inFlight = new Map<string, string>();
    for (let n = 0; n < 6; n++) {
      const { status, body } = await uploadPackage(
        provider.url,
        testManifest({ version: `25.01.01.${String(n).padStart(2, '0')}` }),
        `crash package ${n}`,
        `pkg-${n}.tar.gz`,
        { headers: adminHeaders(provider.adminToken) },
      );
      assert.is(status, 201);
      acknowledged.set(body.id, 'PreApproval');
    }
    for (let round = 0; round < 3; round++) {
      const { url, adminToken } = provider;
      // Each update gets its own chain of state changes, all running concurrently, until the kill.
      let killed = false;
      const chains = [...acknowledged.keys()].map(async (id) => {
        while (!killed) {
          const target = NEXT_STATE[acknowledged.get(id)!]!;
          inFlight.set(id, target);
          try {
            const { status } = await requestJson(
              url,
              'PATCH',
              `/api/v1/updates/${id}`,
              { state: target },
              adminHeaders(adminToken),
            );
            if (status !== 200) throw new Error(`PATCH answered ${status}`);
            acknowledged.set(id, target);
          } catch (error) {
            if (killed) return;
            throw error;
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 300));
      killed = true;
      await provider.kill();
      await Promise.allSettled(chains);
      provider = await spawnProvider(dir);
      const { status, body } = await requestJson(
        provider.url,
        'GET',
        '/api/v1/updates',
        undefined,
        adminHeaders(provider.adminToken),
      );
      assert.is(status, 200);
      for (const update of body) {
        const acked = acknowledged.get(update.id);
        // The request in flight at the kill may or may not have landed; an acknowledged one must have.
        assert.ok(
          update.state === acked || update.state === inFlight.get(update.id),
          `${update.id}: stored ${update.state}, acknowledged ${acked}, in flight ${inFlight.get(update.id)}`,
        );
        acknowledged.set(update.id, update.state);
      }
      assert.is(body.length, acknowledged.size);
    }
    assert.is(await provider.stop(), 0);
  } finally {
    await cleanup();
  }
});

test.run();
