import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';
import type { FixturePackage } from './agentFixtures.ts';
import { signBytes } from './testSigning.ts';

/**
 * Builds a signed `.tar.gz` package of about `megabytes` MB (random, so gzip cannot shrink it) for
 * an application "Patchbay Big App" at `version`, in `dir`.
 */
export async function makeBigPackage(
  dir: string,
  version: string,
  megabytes: number,
  installType: 'Install' | 'Patch' = 'Install',
): Promise<FixturePackage> {
  const root = join(dir, `big-${version}`);
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(join(root, 'VERSION'), `${version}\n`);
  await writeFile(join(root, 'payload.bin'), randomBytes(Math.round(megabytes * 1024 * 1024)));
  const name = `big-app-${version}.tar.gz`;
  const path = join(dir, name);
  await create({ gzip: { level: 1 }, file: path, cwd: root, portable: true }, ['VERSION', 'payload.bin']);
  const bytes = await readFile(path);
  const [major, minor] = version.split('.');
  return {
    name,
    path,
    bytes,
    manifest: {
      application: 'Patchbay Big App',
      productLine: 'BIG',
      release: `20${major} R${Number(minor)}`,
      patch: installType === 'Install' ? 'GA Install' : 'Patch1',
      installType,
      version,
      upgradeCode: 'b16a0000-0000-4000-8000-000000000001',
      productCode: `b16a0000-${major}${minor}-4000-8000-000000000001`,
      installProperties: {},
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
    signature: signBytes(bytes),
  };
}
