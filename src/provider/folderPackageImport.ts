import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore } from '../../storage/ContentStore.ts';
import { hashFile } from '../../storage/hashFile.ts';
import { readManifestSidecar, readSignatureSidecar } from '../../storage/packageSidecars.ts';
import {
  type FolderPackage,
  removeFolderPackage,
  statFolderPackage,
} from '../../storage/updateFolderFiles.ts';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { isPatchbayError, PatchbayError } from '../domain/PatchbayError.ts';
import type { Update, UpdateManifest } from '../domain/update.ts';
import type { Catalog } from './Catalog.ts';
import { importPackage, validateManifest } from './importPackage.ts';
import type { SignaturePolicy } from './signaturePolicy.ts';

/** Why a package was refused, as the API and the activity log show it. */
export interface ImportError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What happened to one package of a folder. */
export type FolderImportResult =
  /** In the catalog in PreApproval; `removed` says whether its files left the folder. */
  | { file: string; outcome: 'imported'; update: Update; removed: boolean }
  /** The same bytes and version were already in the catalog: nothing changed there; files removed. */
  | { file: string; outcome: 'duplicate'; updateId: string; removed: boolean }
  /** Invalid manifest, signature or hash: not imported, left in the folder. */
  | { file: string; outcome: 'rejected'; error: ImportError }
  /** Still being written (recently modified, or changed while read): left for a later scan. */
  | { file: string; outcome: 'notReady'; reason: string }
  /** The file disappeared before it could be read. */
  | { file: string; outcome: 'gone' };

/** What the listing says about a package before any import is tried. */
export type FolderPackageStatus =
  | { status: 'importable'; sha256: string }
  | { status: 'inCatalog'; sha256: string; updateId: string }
  | { status: 'invalid'; error: ImportError; sha256?: string }
  | { status: 'notReady'; reason: string };

/** What importing from a folder needs. */
export interface FolderImportDeps {
  catalog: Catalog;
  content: ContentStore;
  policy: SignaturePolicy;
  digests: DigestCache;
  /** How long a package must go unmodified before it is read, in ms. */
  settleMs: number;
  now: () => number;
}

// 1 MiB reads when copying a package into the store: hashing, not syscalls, dominates.
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Remembers the SHA-256 of folder files by path and fingerprint (size and mtimes), so a listing or
 * a duplicate check does not hash the same unchanged file again. Bounded: the oldest entry goes.
 */
export class DigestCache {
  readonly #entries = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** The digest recorded for `path` with this fingerprint, if any. */
  get(path: string, fingerprint: string): string | undefined {
    return this.#entries.get(`${fingerprint}\u0000${path}`);
  }

  /** Records a digest. */
  set(path: string, fingerprint: string, sha256: string): void {
    const key = `${fingerprint}\u0000${path}`;
    this.#entries.delete(key);
    this.#entries.set(key, sha256);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** The error a package was refused with, without internals: fs faults become INTERNAL with the errno code. */
export function toImportError(error: unknown): ImportError {
  if (isPatchbayError(error)) {
    const result: ImportError = { code: error.code, message: error.message };
    if (error.details) result.details = error.details;
    return result;
  }
  const errno = (error as NodeJS.ErrnoException)?.code;
  return { code: 'INTERNAL', message: `the package could not be read${errno ? ` (${errno})` : ''}` };
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ELOOP';
}

function notSettled(deps: FolderImportDeps, found: FolderPackage): string | undefined {
  const age = deps.now() - found.newestMtimeMs;
  return age < deps.settleMs
    ? `modified ${Math.max(0, Math.round(age))} ms ago; waiting until it settles`
    : undefined;
}

async function readValidManifest(folderPath: string, found: FolderPackage): Promise<UpdateManifest> {
  if (!found.manifest) {
    throw new PatchbayError(`${found.file} has no ${found.file}.manifest.json next to it`, {
      code: 'INVALID_MANIFEST',
      details: { field: '(manifest)', reason: 'missing' },
    });
  }
  return validateManifest(await readManifestSidecar(join(folderPath, found.file)));
}

/**
 * Imports one package of an update folder: reads and validates its manifest, streams the file into
 * the content store while hashing it (one pass), applies the signature policy, adds it to the
 * catalog in PreApproval, and only then deletes the file and its sidecars from the folder (the
 * content commit and the catalog record are both synced by then). A package the catalog already
 * holds (same bytes and version) is a duplicate: the catalog is left alone and the folder copy is
 * removed. Refusals leave every file where it is. Never throws for a package problem; a fault in
 * the store itself (closed, disk full) propagates.
 */
export async function importFolderPackage(
  deps: FolderImportDeps,
  folderPath: string,
  found: FolderPackage,
): Promise<FolderImportResult> {
  const file = found.file;
  const path = join(folderPath, file);
  const waiting = notSettled(deps, found);
  if (waiting) return { file, outcome: 'notReady', reason: waiting };
  let manifest: UpdateManifest;
  let signature: Buffer | undefined;
  try {
    manifest = await readValidManifest(folderPath, found);
    signature = await readSignatureSidecar(path);
  } catch (error) {
    if (isGone(error)) return { file, outcome: 'gone' };
    return { file, outcome: 'rejected', error: toImportError(error) };
  }
  const known = deps.digests.get(path, found.fingerprint);
  const duplicate = known === undefined ? undefined : deps.catalog.findDuplicate(known, manifest);
  if (duplicate)
    return { file, outcome: 'duplicate', updateId: duplicate.id, removed: await remove(folderPath, found) };
  let staged: Awaited<ReturnType<ContentStore['stage']>>;
  try {
    // O_NOFOLLOW: a package name swapped for a symlink since the listing is not followed out of the folder.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    staged = await deps.content.stage(handle.createReadStream({ highWaterMark: COPY_CHUNK_BYTES }));
  } catch (error) {
    if (isGone(error)) return { file, outcome: 'gone' };
    return { file, outcome: 'rejected', error: toImportError(error) };
  }
  const after = await statFolderPackage(folderPath, found);
  if (!after || after.fingerprint !== found.fingerprint || staged.size !== found.size) {
    await staged.discard();
    return after
      ? { file, outcome: 'notReady', reason: 'changed while it was being read' }
      : { file, outcome: 'gone' };
  }
  deps.digests.set(path, found.fingerprint, staged.sha256);
  let update: Update;
  try {
    update = await importPackage(deps.catalog, deps.policy, { manifest, staged, fileName: file, signature });
  } catch (error) {
    if (isPatchbayError(error, 'UPDATE_DUPLICATE')) {
      const updateId = String(error.details?.id);
      return { file, outcome: 'duplicate', updateId, removed: await remove(folderPath, found) };
    }
    if (isPatchbayError(error) && error.code !== 'STORE_NOT_OPEN' && error.code !== 'ACTOR_FAILED') {
      return { file, outcome: 'rejected', error: toImportError(error) };
    }
    throw error;
  }
  return { file, outcome: 'imported', update, removed: await remove(folderPath, found) };
}

async function remove(folderPath: string, found: FolderPackage): Promise<boolean> {
  try {
    await removeFolderPackage(folderPath, found);
    return true;
  } catch {
    // A read-only folder keeps its copy; the next scan sees a duplicate (from the digest cache,
    // without copying again) and tries again.
    return false;
  }
}

/**
 * Says what importing a package would do, without importing it: the manifest is validated, the
 * file hashed (cached by fingerprint), the declared hash and the signature policy checked, and the
 * catalog asked whether it already holds these bytes as this version.
 */
export async function inspectFolderPackage(
  deps: FolderImportDeps,
  folderPath: string,
  found: FolderPackage,
): Promise<FolderPackageStatus> {
  const waiting = notSettled(deps, found);
  if (waiting) return { status: 'notReady', reason: waiting };
  const path = join(folderPath, found.file);
  let sha256: string | undefined;
  try {
    const manifest = await readValidManifest(folderPath, found);
    const signature = await readSignatureSidecar(path);
    sha256 = deps.digests.get(path, found.fingerprint);
    if (sha256 === undefined) {
      sha256 = (await hashFile(path)).sha256;
      deps.digests.set(path, found.fingerprint, sha256);
    }
    const duplicate = deps.catalog.findDuplicate(sha256, manifest);
    if (duplicate) return { status: 'inCatalog', sha256, updateId: duplicate.id };
    if (manifest.sha256 !== undefined && manifest.sha256 !== sha256) {
      throw new PatchbayError('the file does not match the sha256 its manifest declares', {
        code: 'CONTENT_HASH_MISMATCH',
        details: { expected: manifest.sha256, actual: sha256 },
      });
    }
    deps.policy.check(sha256, signature);
    return { status: 'importable', sha256 };
  } catch (error) {
    if (isGone(error)) return { status: 'notReady', reason: 'the file disappeared while being read' };
    const invalid: FolderPackageStatus = { status: 'invalid', error: toImportError(error) };
    if (sha256 !== undefined) invalid.sha256 = sha256;
    return invalid;
  }
}
