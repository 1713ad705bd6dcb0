import { copyFile, readdir, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fixturePath } from './fixtureUpload.ts';

/**
 * Copies a fixture package and whichever sidecars it has into `folder`, as an admin would drop it
 * there, and dates the copies `ageMs` in the past so they count as settled (0 keeps "now"). The
 * sidecars go first and the package last: a scanner running mid-copy then sees no package or a
 * fresh one (not ready yet), never a settled package whose manifest is still missing.
 */
export async function dropFixture(folder: string, relative: string, ageMs = 60_000): Promise<string> {
  const source = fixturePath(relative);
  const file = basename(source);
  const siblings = await readdir(dirname(source));
  const sidecars = siblings.filter((name) => name.startsWith(`${file}.`)).sort();
  for (const name of [...sidecars, ...siblings.filter((name) => name === file)]) {
    await copyFile(join(dirname(source), name), join(folder, name));
    if (ageMs > 0) await backdate(join(folder, name), ageMs);
  }
  return file;
}

/** Sets a file's atime and mtime `ageMs` in the past. */
export async function backdate(path: string, ageMs = 60_000): Promise<void> {
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

/** The names in a folder, sorted. */
export async function folderNames(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort();
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fixture packages by role, as paths relative to fixtures/. */
export const FIXTURE = {
  serverPatch2: 'packages/demo-server-25.01.02.14-patch2.tar.gz',
  serverInstall: 'packages/demo-server-25.01.00.10-install.tar.gz',
  clientPatch1: 'packages/demo-client-25.01.01.12-patch1.tar.gz',
  tampered: 'bad/tampered/demo-server-25.01.03.18-patch3.tar.gz',
  unsigned: 'bad/unsigned/demo-client-25.01.03.18-patch3.tar.gz',
  untrusted: 'bad/untrusted-signer/demo-server-25.01.03.19-patch3.tar.gz',
  invalidManifest: 'bad/invalid-manifest/demo-client-25.01.03.19-patch3.tar.gz',
} as const;
