import { readFile } from 'node:fs/promises';
import { type FileDigest, hashFile } from '../../storage/hashFile.ts';

// CLI commands name the file that could not be read, instead of a bare "ENOENT: open '…'".

/** Reads a PEM key file; fs errors become "cannot read key file <path> (<code>)". */
export async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw cannotRead('key file', path, error);
  }
}

/** Hashes a package file; fs errors become "cannot read package file <path> (<code>)". */
export async function hashPackageFile(path: string): Promise<FileDigest> {
  try {
    return await hashFile(path);
  } catch (error) {
    throw cannotRead('package file', path, error);
  }
}

function cannotRead(what: string, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new Error(`cannot read ${what} ${path} (${code})`, { cause: error });
}
