import { timingSafeEqual } from 'node:crypto';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store } from '../../storage/Store.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { FingerprintSet, fingerprintOf } from './auth/FingerprintSet.ts';
import { hashSecret, issueSecret, secretMatches, sha256 } from './auth/secretToken.ts';

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
  return timingSafeEqual(sha256(a, 'buffer'), sha256(b, 'buffer'));
}

/**
 * What memory keeps of a machine whose secret was checked: 64 bits of SHA-256 over its id and its
 * secret's hash. Binding the id means a secret is accepted only for the machine it was issued to,
 * and 64 bits leave an online guesser nothing to find.
 */
function credentialFingerprint(machineId: string, secretHash: string) {
  return fingerprintOf(sha256(`${machineId}\n${secretHash}`, 'buffer'));
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
 * A machine's secret is read from the store once per process: after that, a fingerprint of it (8
 * bytes in a {@link FingerprintSet}, so a million machines fit in 16 MiB) answers every check-in
 * without a LevelDB read.
 *
 * @example const { issuedSecret } = await identity.identify(report.machine.id, { authorization, enrollmentKey })
 */
export class AgentIdentity {
  readonly #records: RecordRepository<CredentialRecord>;
  readonly #enrollmentKey: string;
  /** Fingerprints of the credentials checked against the store since start (or issued). */
  #verified = new FingerprintSet();
  /** Counts forgets, so a check that read a secret before a forget does not remember it after. */
  #forgets = 0;
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
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Checks the credentials for `machineId`: an enrolled machine's secret, or — for an id never
   * enrolled — the enrollment key, in which case the machine is enrolled and its new secret
   * returned. Anything else throws 401 UNAUTHENTICATED; nothing is written then.
   */
  async identify(machineId: string, credentials: AgentCredentials): Promise<AgentIdentification> {
    const presented = parseMachineAuthorization(credentials.authorization);
    const check = presented && (await this.#checkSecret(machineId, presented));
    if (check?.accepted) return { machineId };
    // The check read the stored hash unless the id did not match; read it only then.
    const stored = check ? check.stored : await this.#secretHash(machineId);
    if (stored !== undefined) {
      throw unauthenticated(
        presented === undefined
          ? `machine ${machineId} is enrolled: send its secret`
          : `wrong machine secret for ${machineId}`,
        machineId,
      );
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
    const presented = parseMachineAuthorization(authorization);
    if (presented === undefined || !(await this.#checkSecret(machineId, presented))?.accepted) {
      throw unauthenticated(`machine ${machineId} did not present its secret`, machineId);
    }
  }

  /** What memory holds of checked secrets, as bytes (see verifiedCredentialsDump.ts). */
  exportVerified(): Buffer {
    return this.#verified.toBytes();
  }

  /**
   * Takes over fingerprints exported by an earlier process over the same store; false (and nothing
   * changed) for bytes that are not an export. Only for a store no one has changed since.
   */
  importVerified(bytes: Buffer): boolean {
    const restored = FingerprintSet.fromBytes(bytes);
    if (restored === undefined) return false;
    this.#verified = restored;
    return true;
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
    const stored = await this.#secretHash(machineId);
    if (stored === undefined) return false;
    this.#forgets++;
    await this.#records.del(machineId);
    this.#verified.delete(credentialFingerprint(machineId, stored));
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
      this.#verified.add(credentialFingerprint(machineId, hash));
      return { machineId, issuedSecret: secret };
    })().finally(() => this.#enrolling.delete(machineId));
    this.#enrolling.set(machineId, enrolling);
    return enrolling;
  }

  /**
   * Whether `presented` is the secret of `machineId`: from memory when this secret was checked
   * before, else against the stored hash in constant time (and then remembered). `stored` is the
   * hash read on the way, so a refused caller need not read it again (absent: nothing was read).
   */
  async #checkSecret(
    machineId: string,
    presented: { id: string; secret: string },
  ): Promise<{ accepted: boolean; stored?: string } | undefined> {
    if (presented.id !== machineId) return undefined;
    const fingerprint = credentialFingerprint(machineId, hashSecret(presented.secret));
    if (this.#verified.has(fingerprint)) return { accepted: true };
    const forgets = this.#forgets;
    const stored = await this.#secretHash(machineId);
    if (stored === undefined || !secretMatches(presented.secret, stored)) return { accepted: false, stored };
    if (forgets === this.#forgets) this.#verified.add(fingerprint);
    return { accepted: true, stored };
  }

  async #secretHash(machineId: string): Promise<string | undefined> {
    return (await this.#records.get(machineId))?.secretHash;
  }
}
