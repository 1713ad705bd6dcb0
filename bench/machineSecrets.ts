/**
 * The secrets of a benchmark's machines, packed into one Buffer (a million strings would cost the
 * load generator ~100 MB and the seeder a long GC). Machine `index` is `m<index>`, as in both the
 * check-in benchmark and the fleet simulator; a secret is `pbm_` + 43 base64url characters, so every
 * one has the same length and needs no separator.
 */
import type { AgentIdentity } from '../src/provider/agentIdentity.ts';

/** Length of a machine secret issued by AgentIdentity. */
export const SECRET_LENGTH = 47;

/** Room for `machines` secrets. */
export function allocateSecrets(machines: number): Buffer {
  return Buffer.alloc(machines * SECRET_LENGTH);
}

/**
 * Enrolls machine `m<index>` the way an agent's first check-in does (the enrollment key) and packs
 * the secret it is issued.
 */
export async function enrollMachine(
  identity: AgentIdentity,
  enrollmentKey: string,
  index: number,
  secrets: Buffer,
): Promise<void> {
  const { issuedSecret } = await identity.identify(`m${index}`, { enrollmentKey });
  if (issuedSecret?.length !== SECRET_LENGTH) throw new Error(`unexpected secret for machine m${index}`);
  secrets.write(issuedSecret, index * SECRET_LENGTH, 'latin1');
}

/** The `Authorization` header machine `m<index>` proves who it is with. */
export function machineAuthorization(index: number, secrets: Buffer): string {
  const secret = secrets.toString('latin1', index * SECRET_LENGTH, (index + 1) * SECRET_LENGTH);
  return `Machine m${index}:${secret}`;
}
