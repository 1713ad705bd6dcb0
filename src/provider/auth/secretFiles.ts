import { open, readFile, rename, stat } from 'node:fs/promises';

/**
 * Writes a secret to `path` readable by the owner only (mode 0600): a temp file is written, fsynced
 * and renamed over `path`, so a crash leaves either the old file or the whole new one.
 *
 * @example await writeSecretFile('./data/admin-token', `${token}\n`)
 */
export async function writeSecretFile(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** The trimmed content of a secret file, or undefined when it does not exist. */
export async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when a file exists and group or others may read or write it (a leaked secret). */
export async function isExposed(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/**
 * Reads the secret at `path`, or makes one with `make`, stores it with {@link writeSecretFile}, and
 * reports that it was created.
 */
export async function loadOrCreateSecretFile(
  path: string,
  make: () => string,
): Promise<{ value: string; created: boolean }> {
  const existing = await readSecretFile(path);
  if (existing !== undefined && existing.length > 0) return { value: existing, created: false };
  const value = make();
  await writeSecretFile(path, `${value}\n`);
  return { value, created: true };
}
