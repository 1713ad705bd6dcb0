import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkInBody } from '../fleet/providerHarness.ts';
import type { ChildProvider } from './childProvider.ts';
import { makeTempDir } from './tempDir.ts';
import { adminHeaders, requestJson, testManifest, uploadPackage } from './testProvider.ts';
import { WarmProviderPool } from './warmProviderPool.ts';

/** What a crash run did. */
export interface CrashReport {
  kills: number;
  /** Writes answered 2xx before a kill (state changes, users added, machines enrolled). */
  acknowledged: number;
  durationMs: number;
}

// GA ⇄ Inactive is always allowed, so a stream of alternating PATCHes never hits a refusal.
const NEXT_STATE: Record<string, string> = { PreApproval: 'GA', GA: 'Inactive', Inactive: 'GA' };

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Runs a provider as a child process under a load of acknowledged writes — update state changes,
 * new authorized users, agent enrollments — SIGKILLs it at a random point `kills` times, restarts
 * it on the same data each time, and checks after every restart that the store opened and that
 * every acknowledged write is there: each update is in its acknowledged state (or the one in flight
 * at the kill), every acknowledged user's token authenticates, and every enrolled machine's secret
 * is accepted. Throws on the first violation.
 */
export async function runProviderCrashRounds(options: {
  kills: number;
  minWriteMs?: number;
  maxWriteMs?: number;
}): Promise<CrashReport> {
  const started = Date.now();
  const { dir, cleanup } = await makeTempDir('patchbay-crash-');
  const pool = new WarmProviderPool();
  let provider: ChildProvider | undefined;
  let acknowledgedWrites = 0;
  try {
    provider = await pool.start(dir);
    const enrollmentKey = (await readFile(join(dir, 'enrollment-key'), 'utf8')).trim();
    const states = new Map<string, string>();
    const inFlight = new Map<string, string>();
    const tokens: string[] = [];
    const secrets = new Map<string, string>();
    for (let n = 0; n < 6; n++) {
      const { status, body } = await uploadPackage(
        provider.url,
        testManifest({ version: `25.01.01.${String(n).padStart(2, '0')}` }),
        `crash package ${n}`,
        `pkg-${n}.tar.gz`,
        { headers: adminHeaders(provider.adminToken) },
      );
      check(status === 201, `upload answered ${status}`);
      states.set(body.id, 'PreApproval');
    }
    let users = 0;
    let machines = 0;
    for (let round = 0; round < options.kills; round++) {
      const { url, adminToken } = provider;
      const admin = adminHeaders(adminToken);
      let killed = false;
      const loop = async (step: () => Promise<void>) => {
        while (!killed) {
          try {
            await step();
          } catch (error) {
            if (killed) return;
            throw error;
          }
        }
      };
      const load = [
        ...[...states.keys()].map((id) =>
          loop(async () => {
            const target = NEXT_STATE[states.get(id)!]!;
            inFlight.set(id, target);
            const { status } = await requestJson(
              url,
              'PATCH',
              `/api/v1/updates/${id}`,
              { state: target },
              admin,
            );
            check(status === 200, `PATCH answered ${status}`);
            states.set(id, target);
            acknowledgedWrites++;
          }),
        ),
        loop(async () => {
          const name = `user${users++}`;
          const { status, body } = await requestJson(url, 'POST', '/api/v1/config/users', { name }, admin);
          check(status === 201, `adding ${name} answered ${status}`);
          tokens.push(body.token);
          acknowledgedWrites++;
        }),
        loop(async () => {
          const id = `machine-${machines++}`;
          const { status, body } = await requestJson(url, 'POST', '/agent/v1/checkin', checkInBody(id), {
            'x-patchbay-enrollment': enrollmentKey,
          });
          check(status === 200, `enrolling ${id} answered ${status}`);
          secrets.set(id, body.machineSecret);
          acknowledgedWrites++;
        }),
      ];
      const min = options.minWriteMs ?? 100;
      const max = options.maxWriteMs ?? 400;
      await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
      killed = true;
      await provider.kill();
      await Promise.all(load);
      provider = await pool.start(dir);
      const admin2 = adminHeaders(provider.adminToken);
      const { status, body } = await requestJson(provider.url, 'GET', '/api/v1/updates', undefined, admin2);
      check(status === 200, `GET /api/v1/updates answered ${status} after restart ${round + 1}`);
      check(body.length === states.size, `${body.length} updates after restart, ${states.size} acknowledged`);
      for (const update of body) {
        const acked = states.get(update.id);
        // The request in flight at the kill may or may not have landed; an acknowledged one must have.
        check(
          update.state === acked || update.state === inFlight.get(update.id),
          `${update.id}: stored ${update.state}, acknowledged ${acked}, in flight ${inFlight.get(update.id)}`,
        );
        states.set(update.id, update.state);
      }
      for (const token of tokens) {
        const about = await requestJson(provider.url, 'GET', '/api/v1/about', undefined, adminHeaders(token));
        check(about.status === 200, `an acknowledged user's token answered ${about.status} after restart`);
      }
      for (const [id, secret] of secrets) {
        const reply = await requestJson(provider.url, 'POST', '/agent/v1/checkin', checkInBody(id), {
          authorization: `Machine ${id}:${secret}`,
        });
        check(reply.status === 200, `enrolled ${id} answered ${reply.status} after restart`);
      }
    }
    const code = await provider.stop();
    provider = undefined;
    check(code === 0, `the provider stopped with ${code}`);
    return { kills: options.kills, acknowledged: acknowledgedWrites, durationMs: Date.now() - started };
  } finally {
    await provider?.kill();
    await pool.close();
    await cleanup();
  }
}
