import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readSecretFile, writeSecretFile } from '../provider/auth/secretFiles.ts';

/** The file an agent keeps its machine secrets in, one per provider (JSON, mode 0600). */
export const MACHINE_SECRET_FILE = 'machine-secrets.json';

/** How an agent presents itself to a provider; what providerClient calls. */
export interface ProviderCredentials {
  /** The headers of a check-in or events request from `machineId` to `provider`. */
  headers(provider: string, machineId: string): Record<string, string>;
  /** Keeps what a check-in reply from `provider` hands over (the machine secret, once). */
  accept(provider: string, reply: unknown): Promise<void>;
}

function originOf(provider: string): string {
  return new URL(provider).origin;
}

/**
 * The agent side of docs/security.md "Agents": toward each provider the agent sends the enrollment
 * key until that provider has given it a machine secret (`machineSecret` in the reply to the
 * enrolling check-in), then `Authorization: Machine <id>:<secret>`. Secrets are kept per provider
 * origin in `<data>/machine-secrets.json` (0600), written and fsynced before they are used, so a
 * crash cannot lose a secret the provider has committed.
 *
 * @example const creds = await AgentCredentials.open(dataDir, config.enrollmentKey)
 */
export class AgentCredentials implements ProviderCredentials {
  readonly #file: string;
  readonly #enrollmentKey?: string;
  readonly #secrets: Record<string, string>;

  private constructor(file: string, enrollmentKey: string | undefined, secrets: Record<string, string>) {
    this.#file = file;
    this.#enrollmentKey = enrollmentKey;
    this.#secrets = secrets;
  }

  /** Loads the machine secrets the agent holds. */
  static async open(dataDir: string, enrollmentKey?: string): Promise<AgentCredentials> {
    const file = join(dataDir, MACHINE_SECRET_FILE);
    const text = await readSecretFile(file);
    let secrets: Record<string, string> = {};
    if (text) {
      try {
        secrets = JSON.parse(text) as Record<string, string>;
      } catch {
        secrets = {};
      }
    }
    return new AgentCredentials(file, enrollmentKey, secrets);
  }

  /** True once `provider` has given the agent a machine secret. */
  enrolledWith(provider: string): boolean {
    return typeof this.#secrets[originOf(provider)] === 'string';
  }

  headers(provider: string, machineId: string): Record<string, string> {
    const secret = this.#secrets[originOf(provider)];
    if (typeof secret === 'string') return { authorization: `Machine ${machineId}:${secret}` };
    return this.#enrollmentKey === undefined ? {} : { 'x-patchbay-enrollment': this.#enrollmentKey };
  }

  async accept(provider: string, reply: unknown): Promise<void> {
    const secret = (reply as { machineSecret?: unknown } | null)?.machineSecret;
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) return;
    this.#secrets[originOf(provider)] = secret;
    await writeSecretFile(this.#file, `${JSON.stringify(this.#secrets)}\n`);
  }

  /** Forgets every secret (after an admin reset the agent enrolls again with the key). */
  async reset(): Promise<void> {
    for (const key of Object.keys(this.#secrets)) delete this.#secrets[key];
    await rm(this.#file, { force: true });
  }
}
