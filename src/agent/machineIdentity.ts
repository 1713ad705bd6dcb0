import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PatchbayError } from '../domain/PatchbayError.ts';

/** Who this machine is to its providers. */
export interface MachineIdentity {
  /** Generated at first start and kept in `<data>/machine.json`, so it survives renames and restarts. */
  id: string;
  /** The host name, read at every start (a renamed machine reports its new name). */
  name: string;
}

/**
 * Reads the machine id from `<data>/machine.json`, or makes one (a random UUID) at the first start
 * and writes it durably (temp file, fsync, rename) before anything uses it.
 *
 * @example const { id, name } = await loadMachineIdentity('./agent-data')
 */
export async function loadMachineIdentity(
  dataDir: string,
  name: string = hostname(),
): Promise<MachineIdentity> {
  const file = join(dataDir, 'machine.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown };
    if (typeof stored.id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(stored.id)) {
      throw new PatchbayError(`${file} holds no valid machine id`, { code: 'CONFIG_INVALID' });
    }
    return { id: stored.id, name };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = randomUUID();
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify({ id, createdAt: new Date().toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  return { id, name };
}
