import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Store } from '../../storage/Store.ts';

/** Every key of the store (sublevel prefix included) with a short hash of its value. */
export async function storeEntries(store: Store): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for await (const [key, value] of store.db.iterator({
    keyEncoding: 'utf8',
    valueEncoding: 'buffer',
  } as never) as AsyncIterable<[string, Buffer]>) {
    entries.set(key, createHash('sha256').update(value).digest('hex').slice(0, 16));
  }
  return entries;
}

/** The keys whose values differ between two {@link storeEntries} (added, removed or changed). */
export function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key));
}

/**
 * A digest of everything a provider has stored: every key and value of every sublevel (read raw
 * from the root database, so new sublevels are included without naming them) plus the name and
 * size of every file under `<data>/content`. Two equal digests mean nothing was written.
 */
export async function storeDigest(store: Store, dataDir: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const [key, value] of store.db.iterator({
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
  } as never) as AsyncIterable<[Buffer, Buffer]>) {
    hash.update(key).update('\0').update(value).update('\n');
  }
  for (const line of await contentFiles(dataDir)) hash.update(`${line}\n`);
  return hash.digest('hex');
}

/** Every file under `<data>/content` as "<path> <size>", for a digest and for saying what changed. */
export async function contentFiles(dataDir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const file of await listFiles(join(dataDir, 'content'))) {
    lines.push(`${relative(dataDir, file)} ${(await stat(file).catch(() => ({ size: 'gone' }))).size}`);
  }
  return lines;
}

/**
 * Waits until the digest stops changing for a moment: accepted changes can be followed by
 * background writes (their activity entries), which must land before a "nothing was written" check.
 * Those writes go through the actor host's commit queue, so `host.flush()` makes them land first:
 * on a slow disk an fsync can take longer than any quiet window, and the write would then be blamed
 * on the next request. The digest check stays for writers outside the host.
 */
export async function waitForQuietStore(
  store: Store,
  dataDir: string,
  host?: { flush(): Promise<void> },
): Promise<void> {
  await host?.flush();
  let previous = await storeDigest(store, dataDir);
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    await host?.flush();
    const current = await storeDigest(store, dataDir);
    if (current === previous) return;
    previous = current;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}
