import { join } from 'node:path';
import { Store } from '../../storage/Store.ts';

/** True when `error` (or any cause under it) is LevelDB's "another process holds the lock". */
export function isStoreLocked(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'LEVEL_LOCKED') return true;
    if (
      typeof (e as Error).message === 'string' &&
      /lock/i.test((e as Error).message) &&
      e.code === 'LEVEL_IO_ERROR'
    )
      return true;
  }
  return false;
}

/**
 * Opens `<dataDir>/db` for a CLI command that edits it directly. LevelDB allows one process at a
 * time, so while the provider runs this fails: the message says to stop the provider or use the
 * API instead of a bare lock error.
 *
 * @example const store = await openStoreForCli('./data', 'POST /api/v1/config/users')
 */
export async function openStoreForCli(dataDir: string, apiAlternative: string): Promise<Store> {
  try {
    return await Store.open(dataDir);
  } catch (error) {
    if (isStoreLocked(error)) {
      throw new Error(
        `the provider is running and holds the lock on ${join(dataDir, 'db')}: stop the provider or use the API (${apiAlternative})`,
        { cause: error },
      );
    }
    throw error;
  }
}
