import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ContentStore } from '../../storage/ContentStore.ts';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store } from '../../storage/Store.ts';
import { type FolderPackage, readFolderPackages } from '../../storage/updateFolderFiles.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { isPlainFileName } from '../domain/packageFiles.ts';
import { Mailboxes } from '../runtime/Mailbox.ts';
import type { Catalog } from './Catalog.ts';
import {
  DigestCache,
  type FolderImportDeps,
  type FolderImportResult,
  type FolderPackageStatus,
  type ImportError,
  importFolderPackage,
  inspectFolderPackage,
  toImportError,
} from './folderPackageImport.ts';
import type { SignaturePolicy } from './signaturePolicy.ts';

/** An update folder the admin added (the manual's "update directory"). */
export interface UpdateFolder {
  id: string;
  /** Absolute, normalised path of an existing directory on the provider. */
  path: string;
  /** Scanned by the background scanner when true; imported from only on request when false. */
  auto: boolean;
  addedAt: string;
}

/** One package as the folder listing shows it. */
export type FolderPackageListing = {
  file: string;
  size: number;
  modifiedAt: string;
  manifest: boolean;
  signature: boolean;
  /** The last failed import of this very file (same size and mtimes), if any. */
  lastError?: ImportError & { at: string };
} & FolderPackageStatus;

/** What happened in a folder, for the activity log: every import, duplicate and refusal. */
export type FolderImportEvent =
  | (Exclude<FolderImportResult, { outcome: 'notReady' | 'gone' }> & {
      folderId: string;
      folderPath: string;
      trigger: 'scan' | 'manual';
      at: string;
    })
  | { outcome: 'folderUnreadable'; folderId: string; folderPath: string; error: ImportError; at: string };

/**
 * Receives folder import events. The provider wires it to the activity log; it must not throw
 * (a throw is swallowed so a broken reporter never stops imports).
 */
export type ImportReporter = (event: FolderImportEvent) => void;

/** Options of {@link UpdateFolders}. */
export interface UpdateFoldersOptions {
  /** A package (file or sidecar) modified more recently than this is left for later. Default 2000 ms. */
  settleMs?: number;
  reporter?: ImportReporter;
  now?: () => Date;
}

interface FailureRecord {
  fingerprint: string;
  error: ImportError;
  at: string;
}

/**
 * The update folders: records in the `folders` sublevel, the listing of what each holds, manual
 * import of chosen packages, and the scan of one folder that the background scanner runs for `auto`
 * folders. Imports of one folder run one at a time (scan or manual), so a file is never imported
 * twice concurrently. The last failure of each file is kept in memory for the listing, and a scan
 * does not retry a refused file until it changes.
 */
export class UpdateFolders {
  readonly records: RecordRepository<UpdateFolder>;
  readonly #folders = new Map<string, UpdateFolder>();
  readonly #serial = new Mailboxes();
  readonly #failures = new Map<string, Map<string, FailureRecord>>();
  /** Fingerprints seen by the previous scan of each folder, to tell files still being written. */
  readonly #observed = new Map<string, Map<string, string>>();
  readonly #unreadable = new Set<string>();
  readonly #deps: FolderImportDeps;
  readonly #reporter: ImportReporter | undefined;
  readonly #now: () => Date;

  constructor(
    store: Store,
    parts: { catalog: Catalog; content: ContentStore; policy: SignaturePolicy },
    options: UpdateFoldersOptions = {},
  ) {
    this.records = new RecordRepository<UpdateFolder>(store, 'folders');
    this.#now = options.now ?? (() => new Date());
    this.#reporter = options.reporter;
    this.#deps = {
      ...parts,
      digests: new DigestCache(),
      settleMs: options.settleMs ?? 2000,
      now: () => this.#now().getTime(),
    };
  }

  /** Loads the folder records. */
  async load(): Promise<void> {
    this.#folders.clear();
    for (const folder of await this.records.all()) this.#folders.set(folder.id, folder);
  }

  /** Every folder, in the order they were added. */
  list(): UpdateFolder[] {
    return [...this.#folders.values()].sort(
      (a, b) => a.addedAt.localeCompare(b.addedAt) || a.id.localeCompare(b.id),
    );
  }

  /** The folder with `id`; throws FOLDER_NOT_FOUND. */
  require(id: string): UpdateFolder {
    const folder = this.#folders.get(id);
    if (!folder)
      throw new PatchbayError(`no update folder ${id}`, { code: 'FOLDER_NOT_FOUND', details: { id } });
    return folder;
  }

  /**
   * Adds a folder. The path must be absolute and an existing directory (INVALID_REQUEST naming
   * `path` with a `reason` otherwise); adding a path twice is refused with the existing id.
   */
  async add(input: { path: string; auto: boolean }): Promise<UpdateFolder> {
    const path = await checkFolderPath(input.path);
    const existing = [...this.#folders.values()].find((folder) => folder.path === path);
    if (existing) {
      throw new PatchbayError(`${path} is already an update folder`, {
        code: 'INVALID_REQUEST',
        details: { field: 'path', reason: 'already-added', id: existing.id },
      });
    }
    const folder: UpdateFolder = {
      id: randomUUID(),
      path,
      auto: input.auto,
      addedAt: this.#now().toISOString(),
    };
    await this.records.put(folder.id, folder);
    this.#folders.set(folder.id, folder);
    return folder;
  }

  /** Marks a folder `auto` (scanned in the background) or manual. */
  async setAuto(id: string, auto: boolean): Promise<UpdateFolder> {
    const folder = { ...this.require(id), auto };
    await this.records.put(id, folder);
    this.#folders.set(id, folder);
    return folder;
  }

  /** Forgets a folder; the files in it are left alone. Waits for an import running there. */
  async remove(id: string): Promise<UpdateFolder> {
    const folder = this.require(id);
    await this.#serial.run(id, async () => {
      await this.records.del(id);
      this.#folders.delete(id);
      this.#failures.delete(id);
      this.#observed.delete(id);
      this.#unreadable.delete(id);
    });
    return folder;
  }

  /**
   * What a folder holds: each package with its status (importable, invalid and why, in the
   * catalog already, or still being written) and its last failed import; and orphan sidecars.
   */
  async listPackages(id: string): Promise<{ packages: FolderPackageListing[]; orphans: string[] }> {
    const folder = this.require(id);
    const contents = await this.#readFolder(folder);
    const failures = this.#failures.get(id);
    const packages: FolderPackageListing[] = [];
    for (const found of contents.packages) {
      const status = await inspectFolderPackage(this.#deps, folder.path, found);
      const listing: FolderPackageListing = {
        file: found.file,
        size: found.size,
        modifiedAt: new Date(found.mtimeMs).toISOString(),
        manifest: found.manifest !== undefined,
        signature: found.signature !== undefined,
        ...status,
      };
      const failure = failures?.get(found.file);
      if (failure && failure.fingerprint === found.fingerprint)
        listing.lastError = { ...failure.error, at: failure.at };
      packages.push(listing);
    }
    return { packages, orphans: contents.orphans };
  }

  /**
   * Imports the named packages of a folder, in the order given. Every name must be a plain file name
   * listed as a package of that folder (INVALID_REQUEST naming it otherwise, before anything is
   * imported). Each result says imported, duplicate, rejected (and why), not ready, or gone.
   */
  async importFiles(id: string, files: string[]): Promise<FolderImportResult[]> {
    const folder = this.require(id);
    for (const file of files) {
      if (!isPlainFileName(file)) {
        throw new PatchbayError('package names must be plain file names in the folder', {
          code: 'INVALID_REQUEST',
          details: { field: 'files', file: String(file), reason: 'not-a-plain-name' },
        });
      }
    }
    return this.#serial.run(id, async () => {
      const contents = await this.#readFolder(folder);
      const byName = new Map(contents.packages.map((found) => [found.file, found]));
      const missing = files.find((file) => !byName.has(file));
      if (missing !== undefined) {
        throw new PatchbayError(`${missing} is not a package in ${folder.path}`, {
          code: 'INVALID_REQUEST',
          details: { field: 'files', file: missing, reason: 'not-in-folder' },
        });
      }
      const results: FolderImportResult[] = [];
      for (const file of [...new Set(files)]) {
        results.push(await this.#importOne(folder, byName.get(file)!, 'manual'));
      }
      return results;
    });
  }

  /**
   * One background scan of a folder: imports every settled package that is not a known failure.
   * A package whose size or mtimes changed since the previous scan is still being written and waits.
   * A folder that cannot be read is reported once until it can be read again.
   */
  scan(id: string, shouldStop: () => boolean = () => false): Promise<FolderImportResult[]> {
    return this.#serial.run(id, async () => {
      const folder = this.#folders.get(id);
      if (!folder) return [];
      let contents: Awaited<ReturnType<typeof readFolderPackages>>;
      try {
        contents = await readFolderPackages(folder.path);
        this.#unreadable.delete(id);
      } catch (error) {
        if (!this.#unreadable.has(id)) {
          this.#unreadable.add(id);
          this.#report({
            outcome: 'folderUnreadable',
            folderId: id,
            folderPath: folder.path,
            error: toImportError(error),
            at: this.#now().toISOString(),
          });
        }
        return [];
      }
      const previous = this.#observed.get(id) ?? new Map<string, string>();
      const observed = new Map(contents.packages.map((found) => [found.file, found.fingerprint]));
      this.#observed.set(id, observed);
      const failures = this.#failures.get(id);
      const results: FolderImportResult[] = [];
      for (const found of contents.packages) {
        if (shouldStop() || !this.#folders.has(id)) break;
        const seen = previous.get(found.file);
        if (seen !== undefined && seen !== found.fingerprint) {
          results.push({
            file: found.file,
            outcome: 'notReady',
            reason: 'still changing since the previous scan',
          });
          continue;
        }
        if (failures?.get(found.file)?.fingerprint === found.fingerprint) continue;
        results.push(await this.#importOne(folder, found, 'scan'));
      }
      return results;
    });
  }

  /** Scans every `auto` folder once, one after another. */
  async scanAuto(shouldStop: () => boolean = () => false): Promise<FolderImportResult[]> {
    const results: FolderImportResult[] = [];
    for (const folder of this.list()) {
      if (shouldStop()) break;
      if (folder.auto) results.push(...(await this.scan(folder.id, shouldStop)));
    }
    return results;
  }

  async #readFolder(folder: UpdateFolder) {
    try {
      return await readFolderPackages(folder.path);
    } catch (error) {
      throw new PatchbayError(`the update folder ${folder.path} cannot be read`, {
        code: 'INVALID_REQUEST',
        cause: error,
        details: { field: 'path', reason: 'unreadable', errno: (error as NodeJS.ErrnoException).code },
      });
    }
  }

  async #importOne(
    folder: UpdateFolder,
    found: FolderPackage,
    trigger: 'scan' | 'manual',
  ): Promise<FolderImportResult> {
    const result = await importFolderPackage(this.#deps, folder.path, found);
    const at = this.#now().toISOString();
    const failures = this.#failures.get(folder.id) ?? new Map<string, FailureRecord>();
    if (result.outcome === 'rejected') {
      this.#failures.set(folder.id, failures);
      failures.set(found.file, { fingerprint: found.fingerprint, error: result.error, at });
    } else if (result.outcome !== 'notReady') {
      failures.delete(found.file);
    }
    if (result.outcome !== 'notReady' && result.outcome !== 'gone') {
      this.#report({ ...result, folderId: folder.id, folderPath: folder.path, trigger, at });
    }
    return result;
  }

  #report(event: FolderImportEvent): void {
    try {
      this.#reporter?.(event);
    } catch {
      // A reporter fault must not stop imports; the activity log is best effort here.
    }
  }
}

/** Normalises a folder path and checks that it is absolute and an existing directory. */
async function checkFolderPath(input: string): Promise<string> {
  const refuse = (reason: string, message: string) =>
    new PatchbayError(message, { code: 'INVALID_REQUEST', details: { field: 'path', reason } });
  if (typeof input !== 'string' || input.length === 0 || input.includes('\u0000')) {
    throw refuse('invalid', 'path must be a non-empty string');
  }
  if (!isAbsolute(input)) throw refuse('not-absolute', `${input} is not an absolute path`);
  const path = resolve(input);
  let found: Awaited<ReturnType<typeof stat>>;
  try {
    found = await stat(path);
  } catch {
    throw refuse('not-found', `${path} does not exist`);
  }
  if (!found.isDirectory()) throw refuse('not-a-directory', `${path} is not a directory`);
  return path;
}
