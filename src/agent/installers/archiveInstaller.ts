import { randomBytes } from 'node:crypto';
import { appendFile, lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix } from 'node:path';
import * as tar from 'tar';
import { PatchbayError } from '../../domain/PatchbayError.ts';
import type { Inventory } from '../inventory.ts';
import type { Installer, InstallOutcome, InstallPackage, InstallRunContext } from './Installer.ts';

/** The folder name of an application: lower case, runs of other characters as one dash. */
export function applicationSlug(application: string): string {
  const slug = application
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug)
    throw new TypeError(`Expected an application name with letters or digits, got \`${application}\``);
  return slug;
}

const SAFE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * Lists the archive and refuses it (ARCHIVE_UNSAFE) when any entry has an absolute path, a `..`
 * segment, a link pointing outside the archive root, or is a device or FIFO.
 */
export async function assertArchiveSafe(file: string): Promise<void> {
  const problems: string[] = [];
  await tar.t({
    file,
    onReadEntry: (entry) => {
      const path = entry.path;
      if (!SAFE_TYPES.has(entry.type)) problems.push(`${path}: ${entry.type} entries are not allowed`);
      if (escapes(path)) problems.push(`${path}: absolute or parent path`);
      if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        const target = entry.linkpath ?? '';
        const resolved = entry.type === 'SymbolicLink' ? posix.join(posix.dirname(path), target) : target;
        if (isAbsolute(target) || escapes(resolved))
          problems.push(`${path}: link to ${target} leaves the archive`);
      }
    },
  });
  if (problems.length > 0) {
    throw new PatchbayError(`unsafe archive ${file}: ${problems.slice(0, 5).join('; ')}`, {
      code: 'ARCHIVE_UNSAFE',
      details: { problems },
    });
  }
}

function escapes(path: string): boolean {
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path) || path.startsWith('\\')) return true;
  const normalised = posix.normalize(path.replaceAll('\\', '/'));
  return normalised === '..' || normalised.startsWith('../') || path.split(/[\\/]/).includes('..');
}

/** Where the archive installer keeps applications, and the inventory it updates. */
export interface ArchiveInstallerOptions {
  appsDir: string;
  inventory: Inventory;
}

/**
 * Installs .tar.gz packages: each version is extracted (into a temp folder, then renamed) to
 * `<apps>/<application-slug>/<version>`, and a `current` symlink is switched atomically (a temp
 * link renamed over it), keeping the earlier versions for rollback. Removing an update switches
 * `current` back to the version before it and deletes the removed version's folder. Abort-safe:
 * nothing visible changes until the final rename.
 *
 * @example new ArchiveInstaller({ appsDir: `${data}/apps`, inventory }).install(pkg, { signal, logFile })
 */
export class ArchiveInstaller implements Installer {
  readonly name = 'archive';
  readonly abortSafe = true;
  readonly #appsDir: string;
  readonly #inventory: Inventory;

  constructor(options: ArchiveInstallerOptions) {
    this.#appsDir = options.appsDir;
    this.#inventory = options.inventory;
  }

  /** The folder holding an application's versions and its `current` link. */
  applicationDir(application: string): string {
    return join(this.#appsDir, applicationSlug(application));
  }

  async install(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome> {
    if (!pkg.file) throw new TypeError(`Expected \`file\` for installing ${pkg.updateId}`);
    const log = logger(context.logFile);
    const appDir = this.applicationDir(pkg.application);
    const versionDir = join(appDir, pkg.version);
    await log(`install ${pkg.updateId}: ${pkg.application} ${pkg.version} from ${pkg.file}`);
    try {
      await assertArchiveSafe(pkg.file);
    } catch (error) {
      await log(`refused: ${(error as Error).message}`);
      return { status: 'failed', message: (error as Error).message, logFile: context.logFile };
    }
    await mkdir(appDir, { recursive: true });
    const temp = join(appDir, `.extract-${pkg.version}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(temp);
      await tar.x({ file: pkg.file, cwd: temp, strict: true, preservePaths: false });
      if (context.signal.aborted) {
        await log('cancelled before switching; nothing changed');
        return { status: 'cancelled', logFile: context.logFile };
      }
      await replaceDir(temp, versionDir);
    } catch (error) {
      await log(`extract failed: ${(error as Error).message}`);
      return { status: 'failed', message: (error as Error).message, logFile: context.logFile };
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    await switchCurrent(appDir, pkg.version);
    await this.#inventory.recordInstall(pkg);
    await log(`current → ${pkg.version}`);
    return { status: 'succeeded', logFile: context.logFile };
  }

  async remove(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome> {
    const log = logger(context.logFile);
    const appDir = this.applicationDir(pkg.application);
    const plan = this.#inventory.planRemoval(pkg);
    if (!plan) {
      await log(`remove ${pkg.updateId}: not installed, nothing to do`);
      return { status: 'succeeded', message: 'not installed', logFile: context.logFile };
    }
    if (plan.rollbackTo) {
      await switchCurrent(appDir, plan.rollbackTo.version);
      await log(`remove ${pkg.updateId}: current → ${plan.rollbackTo.version}`);
    } else {
      await rm(join(appDir, 'current'), { force: true });
      await log(`remove ${pkg.updateId}: ${pkg.application} uninstalled`);
    }
    for (const version of plan.droppedVersions) {
      await rm(join(appDir, version), { recursive: true, force: true });
      await log(`deleted ${version}`);
    }
    await this.#inventory.recordRemoval(pkg);
    return { status: 'succeeded', logFile: context.logFile };
  }
}

/** Points `<appDir>/current` at `version` atomically: a temp symlink renamed over the old one. */
async function switchCurrent(appDir: string, version: string): Promise<void> {
  const temp = join(appDir, `.current-${randomBytes(4).toString('hex')}`);
  await symlink(version, temp, 'dir');
  await rename(temp, join(appDir, 'current'));
}

/** Puts `source` at `target`; an existing target is moved aside first and deleted after. */
async function replaceDir(source: string, target: string): Promise<void> {
  const aside = `${target}.old-${randomBytes(4).toString('hex')}`;
  let movedAside = false;
  try {
    await lstat(target);
    await rename(target, aside);
    movedAside = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(source, target);
  if (movedAside) await rm(aside, { recursive: true, force: true });
}

function logger(logFile: string): (line: string) => Promise<void> {
  return async (line) => {
    await mkdir(dirname(logFile), { recursive: true });
    await appendFile(logFile, `${new Date().toISOString()} ${line}\n`);
  };
}

/** Where `<appDir>/current` points (the version), or undefined when there is no current version. */
export async function currentVersion(appDir: string): Promise<string | undefined> {
  try {
    return await readlink(join(appDir, 'current'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
