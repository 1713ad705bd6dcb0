import { createHash, timingSafeEqual } from 'node:crypto';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store } from '../../storage/Store.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { issueSecret, secretMatches } from './auth/secretToken.ts';

/** The header a first check-in carries the enrollment key in. */
export const ENROLLMENT_HEADER = 'x-patchbay-enrollment';

/** What an agent request presented, as raw header values. */
export interface AgentCredentials {
  /** The `Authorization` header: `Machine <id>:<secret>` once enrolled. */
  authorization?: string;
  /** The enrollment key (X-Patchbay-Enrollment header, or the check-in body's `enrollmentKey`). */
  enrollmentKey?: string;
}

/** The outcome of a successful identification. */
export interface AgentIdentification {
  machineId: string;
  /** Present on enrollment only: the machine's secret, to hand to the agent once. */
  issuedSecret?: string;
}

/** One enrolled machine's credentials as stored in the `machineCredentials` sublevel. */
interface CredentialRecord {
  secretHash: string;
  enrolledAt: string;
}

/** Options for {@link AgentIdentity}. */
export interface AgentIdentityOptions {
  /** Most machines whose secret hash is cached in memory (default 100,000). */
  cacheSize?: number;
  now?: () => Date;
}

/**
 * Parses `Authorization: Machine <id>:<secret>` into its parts, or undefined. The id may itself
 * contain `:`; the secret (base64url) never does, so the last colon splits them.
 */
export function parseMachineAuthorization(
  header: string | undefined,
): { id: string; secret: string } | undefined {
  if (!header || header.length > 512) return undefined;
  const match = /^machine\s+(.+):([A-Za-z0-9_-]+)$/i.exec(header.trim());
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

function sameSecret(a: string, b: string): boolean {
  // Hash both so the comparison is constant-time whatever their lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function unauthenticated(message: string, machineId: string): PatchbayError {
  return new PatchbayError(message, { code: 'UNAUTHENTICATED', details: { machineId } });
}

/**
 * Who an agent request comes from. A machine id not seen before may enroll by presenting the
 * provider's enrollment key and gets a per-machine secret (stored only as a SHA-256 hash) to keep;
 * from then on every check-in and event for that id must carry `Authorization: Machine <id>:<secret>`.
 * The enrollment key alone never opens an enrolled id, so one agent cannot take over another's:
 * an agent that lost its secret is let back in only after an admin calls {@link forget}.
 *
 * @example const { issuedSecret } = await identity.identify(report.machine.id, { authorization, enrollmentKey })
 */
export class AgentIdentity {
  readonly #records: RecordRepository<CredentialRecord>;
  readonly #enrollmentKey: string;
  readonly #cache = new Map<string, string>();
  readonly #cacheSize: number;
  readonly #now: () => Date;
  readonly #enrolling = new Map<string, Promise<AgentIdentification>>();

  constructor(store: Store, enrollmentKey: string, options: AgentIdentityOptions = {}) {
    if (enrollmentKey.length < 16) {
      throw new TypeError(
        `Expected an enrollment key of at least 16 characters, got ${enrollmentKey.length}`,
      );
    }
    this.#records = new RecordRepository<CredentialRecord>(store, 'machineCredentials');
    this.#enrollmentKey = enrollmentKey;
    this.#cacheSize = options.cacheSize ?? 100_000;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Checks the credentials for `machineId`: an enrolled machine's secret, or — for an id never
   * enrolled — the enrollment key, in which case the machine is enrolled and its new secret
   * returned. Anything else throws 401 UNAUTHENTICATED; nothing is written then.
   */
  async identify(machineId: string, credentials: AgentCredentials): Promise<AgentIdentification> {
    const stored = await this.#secretHash(machineId);
    const presented = parseMachineAuthorization(credentials.authorization);
    if (stored !== undefined) {
      if (presented === undefined)
        throw unauthenticated(`machine ${machineId} is enrolled: send its secret`, machineId);
      if (presented.id !== machineId || !secretMatches(presented.secret, stored)) {
        throw unauthenticated(`wrong machine secret for ${machineId}`, machineId);
      }
      return { machineId };
    }
    if (presented !== undefined && credentials.enrollmentKey === undefined) {
      throw unauthenticated(`machine ${machineId} is not enrolled: send the enrollment key`, machineId);
    }
    if (
      credentials.enrollmentKey === undefined ||
      !sameSecret(credentials.enrollmentKey, this.#enrollmentKey)
    ) {
      throw unauthenticated('a first check-in needs the enrollment key', machineId);
    }
    return this.#enroll(machineId);
  }

  /**
   * Checks an enrolled machine's secret only (agent events): enrollment happens at check-in.
   * 401 unless `Authorization: Machine <machineId>:<secret>` is right.
   */
  async authenticate(machineId: string, authorization: string | undefined): Promise<void> {
    const stored = await this.#secretHash(machineId);
    const presented = parseMachineAuthorization(authorization);
    if (
      stored === undefined ||
      presented === undefined ||
      presented.id !== machineId ||
      !secretMatches(presented.secret, stored)
    ) {
      throw unauthenticated(`machine ${machineId} did not present its secret`, machineId);
    }
  }

  /** True when the machine id has enrolled. */
  async isEnrolled(machineId: string): Promise<boolean> {
    return (await this.#secretHash(machineId)) !== undefined;
  }

  /**
   * Drops a machine's credentials so it may enroll again with the enrollment key (an agent that
   * was reinstalled or lost its secret). Returns false when the machine was not enrolled.
   */
  async forget(machineId: string): Promise<boolean> {
    if ((await this.#secretHash(machineId)) === undefined) return false;
    await this.#records.del(machineId);
    this.#cache.delete(machineId);
    return true;
  }

  #enroll(machineId: string): Promise<AgentIdentification> {
    // Two first check-ins racing for one id: the second waits and then must present the secret.
    const pending = this.#enrolling.get(machineId);
    if (pending) {
      return pending.then(() => {
        throw unauthenticated(`machine ${machineId} was just enrolled by another request`, machineId);
      });
    }
    const enrolling = (async () => {
      // Re-read under the per-id guard: another request may have enrolled this id since our read.
      if ((await this.#records.get(machineId)) !== undefined) {
        throw unauthenticated(`machine ${machineId} was just enrolled by another request`, machineId);
      }
      const { secret, hash } = issueSecret('pbm');
      await this.#records.put(machineId, { secretHash: hash, enrolledAt: this.#now().toISOString() });
      this.#remember(machineId, hash);
      return { machineId, issuedSecret: secret };
    })().finally(() => this.#enrolling.delete(machineId));
    this.#enrolling.set(machineId, enrolling);
    return enrolling;
  }

  async #secretHash(machineId: string): Promise<string | undefined> {
    const cached = this.#cache.get(machineId);
    if (cached !== undefined) return cached;
    const record = await this.#records.get(machineId);
    if (record) this.#remember(machineId, record.secretHash);
    return record?.secretHash;
  }

  #remember(machineId: string, hash: string): void {
    this.#cache.delete(machineId);
    this.#cache.set(machineId, hash);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
