import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readSecretFile, writeSecretFile } from '../provider/auth/secretFiles.ts';

/** The file an agent keeps its machine secret in (mode 0600). */
export const MACHINE_SECRET_FILE = 'machine-secret';

/**
 * What an agent presents to its providers (docs/security.md "Agents"): the enrollment key until it
 * has a machine secret, then `Authorization: Machine <id>:<secret>`. The secret arrives once, in
 * the reply to the enrolling check-in (`machineSecret`), and is kept in `<data>/machine-secret`.
 *
 * @example const creds = await AgentCredentials.open(dataDir, config.enrollmentKey);
 * const reply = await post('/agent/v1/checkin', body, creds.headers(machineId)); await creds.accept(reply)
 */
export class AgentCredentials {
  readonly #file: string;
  readonly #enrollmentKey?: string;
  #secret?: string;

  private constructor(file: string, enrollmentKey: string | undefined, secret: string | undefined) {
    this.#file = file;
    this.#enrollmentKey = enrollmentKey;
    this.#secret = secret;
  }

  /** Loads the machine secret from `<dataDir>/machine-secret`, if the agent has enrolled. */
  static async open(dataDir: string, enrollmentKey?: string): Promise<AgentCredentials> {
    const file = join(dataDir, MACHINE_SECRET_FILE);
    const secret = await readSecretFile(file);
    return new AgentCredentials(file, enrollmentKey, secret === '' ? undefined : secret);
  }

  /** True once the agent holds a machine secret. */
  get enrolled(): boolean {
    return this.#secret !== undefined;
  }

  /** The headers of a check-in or events request for `machineId`. */
  headers(machineId: string): Record<string, string> {
    if (this.#secret !== undefined) return { authorization: `Machine ${machineId}:${this.#secret}` };
    return this.#enrollmentKey === undefined ? {} : { 'x-patchbay-enrollment': this.#enrollmentKey };
  }

  /**
   * Keeps the `machineSecret` of a check-in reply (written 0600 and fsynced before it is used, so
   * a crash cannot lose a secret the provider has already committed). Other replies are ignored.
   */
  async accept(reply: unknown): Promise<void> {
    const secret = (reply as { machineSecret?: unknown } | null)?.machineSecret;
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) return;
    await writeSecretFile(this.#file, `${secret}\n`);
    this.#secret = secret;
  }

  /** Forgets the secret (after an admin reset the agent enrolls again with the key). */
  async reset(): Promise<void> {
    await rm(this.#file, { force: true });
    this.#secret = undefined;
  }
}
