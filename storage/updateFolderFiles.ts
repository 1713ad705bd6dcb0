import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { groupPackageFiles, type PackageFileGroup } from '../src/domain/packageFiles.ts';

/** A package found in an update folder, with what the scanner needs to tell whether it is settled. */
export interface FolderPackage extends PackageFileGroup {
  /** The package file's size in bytes. */
  size: number;
  /** The package file's modification time (ms since the epoch). */
  mtimeMs: number;
  /** The latest modification time among the file and its sidecars. */
  newestMtimeMs: number;
  /** Size and mtimes of the file and its sidecars: it changes whenever any of them is written. */
  fingerprint: string;
}

/** What an update folder holds: packages, and sidecars without a package file. */
export interface FolderContents {
  packages: FolderPackage[];
  orphans: string[];
}

/**
 * Lists the packages in an update folder (not its subfolders). Only regular files count: a symlink
 * or a directory is never a package or a sidecar, so nothing outside the folder is ever read
 * through it. A file that vanishes while being listed is left out. Rejects with the fs error when
 * the folder itself cannot be read.
 *
 * @example const { packages } = await readFolderPackages('/srv/updates')
 */
export async function readFolderPackages(folderPath: string): Promise<FolderContents> {
  const entries = await readdir(folderPath, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  const { packages: groups, orphans } = groupPackageFiles(names);
  const packages: FolderPackage[] = [];
  for (const group of groups) {
    const found = await statGroup(folderPath, group);
    if (found) packages.push(found);
  }
  return { packages, orphans };
}

/** Re-reads one package's sizes and mtimes; undefined when its file is gone or not a regular file. */
export async function statFolderPackage(
  folderPath: string,
  group: PackageFileGroup,
): Promise<FolderPackage | undefined> {
  return statGroup(folderPath, group);
}

async function statGroup(folderPath: string, group: PackageFileGroup): Promise<FolderPackage | undefined> {
  const file = await lstatFile(join(folderPath, group.file));
  if (!file) return undefined;
  const manifest = group.manifest ? await lstatFile(join(folderPath, group.manifest)) : undefined;
  const signature = group.signature ? await lstatFile(join(folderPath, group.signature)) : undefined;
  const found: FolderPackage = {
    file: group.file,
    size: file.size,
    mtimeMs: file.mtimeMs,
    newestMtimeMs: Math.max(file.mtimeMs, manifest?.mtimeMs ?? 0, signature?.mtimeMs ?? 0),
    fingerprint: [file, manifest, signature].map((s) => (s ? `${s.size}@${s.mtimeMs}` : '-')).join(' '),
  };
  if (manifest) found.manifest = group.manifest;
  if (signature) found.signature = group.signature;
  return found;
}

async function lstatFile(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    // lstat: a name swapped for a symlink or a directory since readdir is skipped like a vanished one.
    const found = await lstat(path);
    return found.isFile() ? { size: found.size, mtimeMs: found.mtimeMs } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Deletes a package from its folder: the package file first, then its sidecars, so an interruption
 * leaves at worst orphan sidecars (reported, never imported) rather than a package that lost its
 * manifest. Missing files are not an error.
 */
export async function removeFolderPackage(folderPath: string, group: PackageFileGroup): Promise<void> {
  await rm(join(folderPath, group.file), { force: true });
  if (group.manifest) await rm(join(folderPath, group.manifest), { force: true });
  if (group.signature) await rm(join(folderPath, group.signature), { force: true });
}
