import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PatchbayError } from '../src/domain/PatchbayError.ts';

/** The folder under the data directory whose `*.pub` files the provider trusts. */
export const TRUSTED_KEYS_FOLDER = 'trusted-keys';

/** A trusted public key and the file it came from (for messages and the about page). */
export interface TrustedKeyFile {
  path: string;
  pem: string;
}

/**
 * Reads the provider's trusted Ed25519 public keys: every `*.pub` in `<dataDir>/trusted-keys/`
 * (sorted by name; a missing folder is simply no keys), then each of `extraFiles` in order. An
 * extra file that cannot be read is SIGNING_KEY_INVALID, because a trust list that silently loses
 * a key would reject every package signed with it. Whether each PEM is a valid Ed25519 key is
 * checked by createSignaturePolicy.
 *
 * @example const keys = await loadTrustedKeys('./data', ['/etc/patchbay/release.pub'])
 */
export async function loadTrustedKeys(
  dataDir: string,
  extraFiles: readonly string[] = [],
): Promise<TrustedKeyFile[]> {
  const folder = join(dataDir, TRUSTED_KEYS_FOLDER);
  let names: string[] = [];
  try {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.pub'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const paths = [...names.map((name) => join(folder, name)), ...extraFiles.map((file) => resolve(file))];
  const keys: TrustedKeyFile[] = [];
  for (const path of paths) {
    try {
      keys.push({ path, pem: await readFile(path, 'utf8') });
    } catch (cause) {
      throw new PatchbayError(`cannot read trusted key ${path}`, {
        code: 'SIGNING_KEY_INVALID',
        cause,
        details: { path },
      });
    }
  }
  return keys;
}
