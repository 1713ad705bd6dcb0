import { readFile, rm } from 'node:fs/promises';

/**
 * Reads and deletes a file that only a clean shutdown writes (the machine directory, the verified
 * secrets), before anything is served: so a crash after this start can never leave an out-of-date
 * dump for the next. Undefined when there is none.
 */
export async function takeShutdownDump(path: string): Promise<Buffer | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  await rm(path, { force: true });
  return bytes;
}
