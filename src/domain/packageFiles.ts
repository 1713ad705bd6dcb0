// How a package sits in a folder: the package file itself plus two sidecars named after it,
// `<file>.manifest.json` (required for import) and `<file>.sig` (required when signatures are).
// Names are compared exactly (case-sensitive), as on the provider's own filesystem.

/** Suffix of a package's manifest sidecar. */
export const MANIFEST_SUFFIX = '.manifest.json';
/** Suffix of a package's detached signature sidecar. */
export const SIGNATURE_SUFFIX = '.sig';

// Names that copy tools, browsers and editors use for files still being written, plus desktop
// clutter. They are never packages, so the scanner does not report them as "missing a manifest".
const TEMPORARY_SUFFIXES = ['.tmp', '.temp', '.part', '.partial', '.crdownload', '.download', '.swp', '~'];
const CLUTTER_NAMES = new Set(['Thumbs.db', 'desktop.ini']);

/** A package file and the sidecars found next to it (names relative to the same folder). */
export interface PackageFileGroup {
  file: string;
  manifest?: string;
  signature?: string;
}

/** A folder listing sorted into packages and sidecars that have no package file. */
export interface PackageListing {
  /** Package files with their sidecars, sorted by file name. */
  packages: PackageFileGroup[];
  /** Sidecars whose package file is absent (often: the package is still being copied). Sorted. */
  orphans: string[];
}

/**
 * The manifest sidecar name of a package file.
 *
 * @example manifestNameFor('server.tar.gz') // 'server.tar.gz.manifest.json'
 */
export function manifestNameFor(fileName: string): string {
  return fileName + MANIFEST_SUFFIX;
}

/**
 * The signature sidecar name of a package file.
 *
 * @example signatureNameFor('server.tar.gz') // 'server.tar.gz.sig'
 */
export function signatureNameFor(fileName: string): string {
  return fileName + SIGNATURE_SUFFIX;
}

/** True for a sidecar name (`*.manifest.json` or `*.sig`). */
export function isSidecarName(name: string): boolean {
  return name.endsWith(MANIFEST_SUFFIX) || name.endsWith(SIGNATURE_SUFFIX);
}

/** True for a hidden, temporary or partial-download name, or desktop clutter like Thumbs.db. */
export function isTemporaryName(name: string): boolean {
  if (name.startsWith('.') || CLUTTER_NAMES.has(name)) return true;
  if (name.startsWith('#') && name.endsWith('#')) return true;
  const lower = name.toLowerCase();
  return TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * Groups the file names of one folder into packages with their sidecars. Temporary names are
 * skipped; sidecars attach to their package and are never packages themselves.
 *
 * @example groupPackageFiles(['a.tar.gz', 'a.tar.gz.sig', 'a.tar.gz.manifest.json', 'b.zip.part'])
 * // { packages: [{ file: 'a.tar.gz', manifest: 'a.tar.gz.manifest.json', signature: 'a.tar.gz.sig' }], orphans: [] }
 */
export function groupPackageFiles(names: readonly string[]): PackageListing {
  const present = new Set(names.filter((name) => !isTemporaryName(name)));
  const packages: PackageFileGroup[] = [];
  const claimed = new Set<string>();
  for (const file of [...present].sort()) {
    if (isSidecarName(file)) continue;
    const group: PackageFileGroup = { file };
    const manifest = manifestNameFor(file);
    const signature = signatureNameFor(file);
    if (present.has(manifest)) {
      group.manifest = manifest;
      claimed.add(manifest);
    }
    if (present.has(signature)) {
      group.signature = signature;
      claimed.add(signature);
    }
    packages.push(group);
  }
  const orphans = [...present].filter((name) => isSidecarName(name) && !claimed.has(name)).sort();
  return { packages, orphans };
}

/**
 * True for a bare file name that names an entry of a folder and nothing else: no separators, no
 * `.`/`..`, no NUL or control characters. Import requests name packages this way, so a request can
 * never reach outside the folder it names.
 *
 * @example isPlainFileName('a.tar.gz') // true
 * @example isPlainFileName('../etc/passwd') // false
 */
export function isPlainFileName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return false;
  if (name === '.' || name === '..') return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return !/[/\\\u0000-\u001f]/.test(name);
}
