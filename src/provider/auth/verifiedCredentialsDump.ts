import { randomBytes } from 'node:crypto';
import { RecordRepository } from '../../../storage/RecordRepository.ts';
import type { Store } from '../../../storage/Store.ts';
import type { AgentIdentity } from '../agentIdentity.ts';
import { takeShutdownDump } from '../shutdownDump.ts';
import { writeSecretFile } from './secretFiles.ts';

/** The file a clean shutdown leaves in the data folder. */
export const VERIFIED_DUMP_FILE = 'machine-fingerprints.bin';

const TOKEN_BYTES = 16;
const TOKEN_KEY = 'verifiedDumpToken';

/**
 * Why this exists: after a restart every machine's first check-in would read its secret's hash from
 * LevelDB again (a whole fleet within one check interval). A clean shutdown therefore saves the
 * fingerprints AgentIdentity holds, and the next start takes them back.
 *
 * The dump is trusted only for the store it was written against: a random token goes into the
 * store and into the file, and both are deleted when the next start reads them. A crash, a store
 * restored from a backup or changed by another process leaves no matching pair, and the provider
 * simply starts with no fingerprints.
 */
function tokens(store: Store): RecordRepository<{ token: string }> {
  return new RecordRepository<{ token: string }>(store, 'identityMeta');
}

/** Writes the dump (mode 0600, temp file renamed after fsync) and its token; call at clean shutdown. */
export async function saveVerifiedDump(identity: AgentIdentity, store: Store, path: string): Promise<void> {
  const token = randomBytes(TOKEN_BYTES);
  await writeSecretFile(path, Buffer.concat([token, identity.exportVerified()]));
  await tokens(store).put(TOKEN_KEY, { token: token.toString('hex') });
}

/**
 * Reads and deletes the dump and its token, and hands the fingerprints to `identity` when the two
 * match. Resolves with whether they were taken.
 */
export async function restoreVerifiedDump(
  identity: AgentIdentity,
  store: Store,
  path: string,
): Promise<boolean> {
  const bytes = await takeShutdownDump(path);
  if (bytes === undefined) return false;
  const record = await tokens(store).get(TOKEN_KEY);
  await tokens(store).del(TOKEN_KEY);
  if (record === undefined || bytes.length < TOKEN_BYTES) return false;
  if (bytes.subarray(0, TOKEN_BYTES).toString('hex') !== record.token) return false;
  return identity.importVerified(bytes.subarray(TOKEN_BYTES));
}
