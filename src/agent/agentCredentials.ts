import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readSecretFile, writeSecretFile } from '../provider/auth/secretFiles.ts';

/** The file an agent keeps its machine secret in (mode 0600). */
export const MACHINE_SECRET_FILE = 'machine-secret';

/**
 * What an agent presents to its providers (docs/security.md "Agents"): the enrollment key until it
 * has a machine secret from that provider, then `Authorization: Machine <id>:<secret>`. A secret
 * arrives once, in the reply to the enrolling check-in (`machineSecret`), and is kept per provider
 * origin in `<data>/machine-secret` (JSON, mode 0600): independent providers in a failover list
 * each enroll the machine on their own, with the same enrollment key.
 *
 * @example const creds = await AgentCredentials.open(dataDir, config.enrollmentKey);
 * const reply = await post(url, body, creds.headers(machineId, url)); await creds.accept(reply, url)
 */
export class AgentCredentials {
  readonly #file: string;
  readonly #enrollmentKey?: string;
  #secrets: Record<string, string>;

  private constructor(file: string, enrollmentKey: string | undefined, secrets: Record<string, string>) {
    this.#file = file;
    this.#enrollmentKey = enrollmentKey;
    this.#secrets = secrets;
  }

  /** Loads the machine secrets from `<dataDir>/machine-secret`, if the agent has enrolled anywhere. */
  static async open(dataDir: string, enrollmentKey?: string): Promise<AgentCredentials> {
    const file = join(dataDir, MACHINE_SECRET_FILE);
    const text = (await readSecretFile(file)) ?? '';
    let secrets: Record<string, string> = {};
    if (text.startsWith('{')) {
      secrets = JSON.parse(text) as Record<string, string>;
    } else if (text !== '') {
      // A bare secret: the file as an agent without a provider list wrote it.
      secrets = { '': text };
    }
    return new AgentCredentials(file, enrollmentKey, secrets);
  }

  /** True once the agent holds a machine secret (from `provider`, or from any provider). */
  enrolledWith(provider?: string): boolean {
    return provider === undefined
      ? Object.keys(this.#secrets).length > 0
      : originOf(provider) in this.#secrets;
  }

  /** True once the agent holds any machine secret. */
  get enrolled(): boolean {
    return this.enrolledWith();
  }

  /** The headers of a check-in or events request for `machineId` to `provider`. */
  headers(machineId: string, provider?: string): Record<string, string> {
    const secret = this.#secrets[originOf(provider)];
    if (secret !== undefined) return { authorization: `Machine ${machineId}:${secret}` };
    return this.#enrollmentKey === undefined ? {} : { 'x-patchbay-enrollment': this.#enrollmentKey };
  }

  /**
   * Keeps the `machineSecret` of a check-in reply from `provider` (written 0600 and fsynced before it
   * is used, so a crash cannot lose a secret the provider has already committed). Other replies are
   * ignored.
   */
  async accept(reply: unknown, provider?: string): Promise<void> {
    const secret = (reply as { machineSecret?: unknown } | null)?.machineSecret;
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) return;
    const secrets = { ...this.#secrets, [originOf(provider)]: secret };
    await writeSecretFile(this.#file, `${JSON.stringify(secrets)}\n`);
    this.#secrets = secrets;
  }

  /** Forgets every secret (after an admin reset the agent enrolls again with the key). */
  async reset(): Promise<void> {
    await rm(this.#file, { force: true });
    this.#secrets = {};
  }
}

/** The origin a secret is kept under: `http://host:port` of the provider, or '' when none is named. */
function originOf(provider: string | undefined): string {
  if (provider === undefined) return '';
  try {
    return new URL(provider).origin;
  } catch {
    return provider;
  }
}
