import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Marks installs in flight on disk (`<data>/installs/<updateId>.running`, fsynced before the
 * installer starts, removed after its outcome is known). A marker found when an install starts
 * means the agent died during the previous run: that run must be checked and reported, never
 * assumed done.
 *
 * @example if (await journal.wasInterrupted(id)) report(…); await journal.begin(id); …; await journal.end(id)
 */
export class InstallJournal {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'installs');
  }

  /** When a marker is left over, the start time it recorded; undefined when there is none. */
  async interruptedSince(updateId: string): Promise<string | undefined> {
    try {
      return (await readFile(this.#path(updateId), 'utf8')).trim() || 'unknown';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Records, durably, that the install of `updateId` is starting now. */
  async begin(updateId: string, startedAt: string): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const handle = await open(this.#path(updateId), 'w');
    try {
      await handle.writeFile(startedAt);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Clears the marker once the outcome is known. */
  async end(updateId: string): Promise<void> {
    await rm(this.#path(updateId), { force: true });
  }

  #path(updateId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(updateId) || updateId.startsWith('.')) {
      throw new TypeError(`Expected an update id usable as a file name, got \`${updateId}\``);
    }
    return join(this.#dir, `${updateId}.running`);
  }
}
