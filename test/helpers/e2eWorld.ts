import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_EVENT_TYPES } from '../../src/domain/agentEvent.ts';
import { e2eConfig, type FixturePackage, seedInstalled } from './agentFixtures.ts';
import { type ChildAgent, spawnAgent } from './childAgent.ts';
import { type ChildProvider, spawnProvider } from './childProvider.ts';
import { makeTempDir } from './tempDir.ts';
import { requestJson } from './testProvider.ts';
import { TEST_PUBLIC_KEY_PATH } from './testSigning.ts';

/** What a provider recorded about a machine (GET /api/v1/activity), oldest first. */
export interface ActivityItem {
  type: string;
  updateId?: string;
  detail?: string;
  reportedAt?: string;
}

/** Processes and folders an e2e test made, removed in reverse order by `dispose`. */
export class E2eWorld {
  readonly #cleanups: (() => Promise<unknown>)[] = [];
  // Every provider of a world shares one enrollment key, as a fleet's providers would.
  readonly enrollmentKey = `pbe_e2e-${randomBytes(16).toString('hex')}`;
  #keyFile?: string;

  async #enrollmentKeyFile(): Promise<string> {
    if (!this.#keyFile) {
      const temp = await makeTempDir('pb-e2e-keys-');
      this.#cleanups.push(temp.cleanup);
      this.#keyFile = join(temp.dir, 'enrollment-key');
      await writeFile(this.#keyFile, `${this.enrollmentKey}\n`, { mode: 0o600 });
    }
    return this.#keyFile;
  }

  /** Starts `patchbay provider` trusting the test signing key. */
  async provider(dir?: string): Promise<ChildProvider & { dir: string }> {
    let folder = dir;
    if (!folder) {
      const temp = await makeTempDir('pb-e2e-provider-');
      this.#cleanups.push(temp.cleanup);
      folder = temp.dir;
    }
    const provider = await spawnProvider(folder, [
      '--trusted-key',
      TEST_PUBLIC_KEY_PATH,
      '--enrollment-key',
      await this.#enrollmentKeyFile(),
    ]);
    this.#cleanups.push(() => provider.kill());
    return Object.assign(provider, { dir: folder });
  }

  /** A machine already on `seed` releases, running `patchbay agent` with the e2e config plus `config`. */
  async agent(
    providers: string[],
    config: Record<string, unknown>,
    options: { seed?: { pkg: FixturePackage; id: string }[]; clockOffsetMs?: number; dir?: string } = {},
  ): Promise<ChildAgent & { dir: string }> {
    let dir = options.dir;
    if (!dir) {
      const temp = await makeTempDir('pb-e2e-agent-');
      this.#cleanups.push(temp.cleanup);
      dir = temp.dir;
      for (const { pkg, id } of options.seed ?? []) await seedInstalled(dir, pkg, id);
    }
    const agent = await spawnAgent(
      dir,
      e2eConfig({ providers, enrollmentKey: this.enrollmentKey, ...config }),
      {
        clockOffsetMs: options.clockOffsetMs,
      },
    );
    this.#cleanups.push(() => agent.kill());
    return Object.assign(agent, { dir });
  }

  /** Kills every process and removes every folder. */
  async dispose(): Promise<void> {
    for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => {});
  }
}

/** The agent events a provider recorded for `machineId`, oldest first. */
export async function activity(providerUrl: string, machineId: string): Promise<ActivityItem[]> {
  const { body } = await requestJson(providerUrl, 'GET', `/api/v1/activity?machine=${machineId}&limit=500`);
  return [...(body.entries as ActivityItem[])]
    .reverse()
    .filter((entry) => (AGENT_EVENT_TYPES as readonly string[]).includes(entry.type));
}

/** Polls `read` until `predicate` holds; throws with the last value after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms; last ${JSON.stringify(last)}`);
}
