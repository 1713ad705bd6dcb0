import { readFileSync } from 'node:fs';

/**
 * The version in Patchbay's package.json. The file is looked for upwards from this module because it
 * runs from two places: `src/cli/` under tsx and `dist/src/cli/` in the compiled build.
 */
export function readPackageVersion(from: URL = new URL('.', import.meta.url)): string {
  for (let folder = from; ; folder = new URL('..', folder)) {
    const candidate = new URL('package.json', folder);
    try {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'patchbay' && typeof manifest.version === 'string') return manifest.version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (folder.pathname === '/') throw new Error("Patchbay's package.json was not found");
  }
}
