import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArchiveInstaller } from '../../src/agent/installers/archiveInstaller.ts';
import { Inventory } from '../../src/agent/inventory.ts';
import { uploadPackage, withRememberedAdmin } from './testProvider.ts';
import { TEST_PUBLIC_KEY_PATH } from './testSigning.ts';

const PACKAGES = fileURLToPath(new URL('../../fixtures/packages/', import.meta.url));

/** A fixture package: its bytes, manifest and `.sig` text. */
export interface FixturePackage {
  name: string;
  path: string;
  bytes: Buffer;
  manifest: Record<string, any>;
  signature: string;
}

/** Reads `fixtures/packages/<name>` with its manifest and signature. */
export async function fixturePackage(name: string): Promise<FixturePackage> {
  const path = join(PACKAGES, name);
  return {
    name,
    path,
    bytes: await readFile(path),
    manifest: JSON.parse(await readFile(`${path}.manifest.json`, 'utf8')),
    signature: await readFile(`${path}.sig`, 'utf8'),
  };
}

/** Uploads a package (signed) to a provider and moves it to `state`; resolves with its update id. */
export async function publish(
  providerUrl: string,
  pkg: Pick<FixturePackage, 'bytes' | 'manifest' | 'signature' | 'name'>,
  state: 'GA' | 'PreApproval' = 'GA',
): Promise<string> {
  const uploaded = await uploadPackage(providerUrl, pkg.manifest, pkg.bytes, pkg.name, {
    signature: pkg.signature,
  });
  if (uploaded.status !== 201)
    throw new Error(`upload answered ${uploaded.status}: ${JSON.stringify(uploaded.body)}`);
  if (state !== 'PreApproval') await setState(providerUrl, uploaded.body.id, state);
  return uploaded.body.id as string;
}

/** PATCHes an update's state; throws unless 200. */
export async function setState(providerUrl: string, id: string, state: string): Promise<void> {
  const response = await fetch(new URL(`/api/v1/updates/${id}`, providerUrl), {
    method: 'PATCH',
    headers: withRememberedAdmin(providerUrl, { 'content-type': 'application/json' }),
    body: JSON.stringify({ state }),
  });
  if (response.status !== 200)
    throw new Error(`PATCH ${state} answered ${response.status}: ${await response.text()}`);
}

/**
 * Makes `dataDir` look like a machine that already runs a release: the package is unpacked into
 * `<data>/apps` and recorded in the inventory under the provider's update id, as the agent's own
 * archive installer would have done.
 */
export async function seedInstalled(dataDir: string, pkg: FixturePackage, updateId: string): Promise<void> {
  const inventory = await Inventory.open(join(dataDir, 'inventory.json'));
  const installer = new ArchiveInstaller({ appsDir: join(dataDir, 'apps'), inventory });
  const outcome = await installer.install(
    {
      updateId,
      ...pkg.manifest,
      installProperties: pkg.manifest.installProperties ?? {},
      file: pkg.path,
    } as never,
    { signal: new AbortController().signal, logFile: join(dataDir, 'logs', `${updateId}.log`) },
  );
  if (outcome.status !== 'succeeded') throw new Error(`seeding failed: ${JSON.stringify(outcome)}`);
}

/** The version the `current` link of an application points at (its VERSION file). */
export async function currentVersion(dataDir: string, slug = 'patchbay-demo-server'): Promise<string> {
  return (await readFile(join(dataDir, 'apps', slug, 'current', 'VERSION'), 'utf8')).trim();
}

/** The agent config the e2e tests start from: short checks, fast retries, the test key trusted. */
export function e2eConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'automatic',
    checkInterval: { minMs: 300, maxMs: 500 },
    retry: { maxAttempts: 3, baseMs: 100, maxMs: 1000 },
    verifySignatures: true,
    trustedPublicKeys: [TEST_PUBLIC_KEY_PATH],
    ...overrides,
  };
}
