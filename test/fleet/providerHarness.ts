import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningProvider, startProviderServer } from '../../src/cli/providerServer.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

/** A response body: arbitrary JSON whose shape the tests' assertions check. */
export type Json = any;

/** A provider on 127.0.0.1 with a fresh data folder, and small helpers to call it. */
export interface Harness {
  provider: RunningProvider;
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  upload(manifest: Record<string, unknown>): Promise<Json>;
  close(): Promise<void>;
}

/** Starts a provider for one test. */
export async function startHarness(
  options: {
    maxCheckInBytes?: number;
    /** Runs on the fresh data folder before the provider starts (e.g. to leave an older version's data). */
    prepare?: (dataDir: string) => Promise<void>;
  } = {},
): Promise<Harness> {
  const { dir, cleanup } = await makeTempDir('patchbay-fleet-');
  await options.prepare?.(dir);
  const provider = await startProviderServer({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    sync: false,
    // Test packages are unsigned random bytes; signature checks have their own tests.
    verifySignatures: false,
    maxCheckInBytes: options.maxCheckInBytes,
    // No last-contact writes behind a test's back: some tests count commits around a check-in.
    contactFlushMs: 3_600_000,
    log: (line) => console.error(line),
  });
  // The harness calls admin routes as the admin and agent routes as the agents would: the first
  // check-in of a machine carries the enrollment key, later calls the machine secret it was given.
  const adminToken = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
  const enrollmentKey = (await readFile(join(dir, 'enrollment-key'), 'utf8')).trim();
  const secrets = new Map<string, string>();
  const credentials = (path: string, body: unknown): Record<string, string> => {
    if (!path.startsWith('/agent/v1/')) return { authorization: `Bearer ${adminToken}` };
    const parsed = body as { machine?: { id?: unknown }; machineId?: unknown } | undefined;
    const id = String(parsed?.machine?.id ?? parsed?.machineId ?? '');
    const secret = secrets.get(id);
    if (secret !== undefined) return { authorization: `Machine ${id}:${secret}` };
    return path === '/agent/v1/checkin' ? { 'x-patchbay-enrollment': enrollmentKey } : {};
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${provider.url}${path}`, {
      method,
      headers: {
        ...credentials(path, typeof body === 'string' ? undefined : body),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : JSON.parse(text);
    if (typeof parsed?.machineSecret === 'string') {
      secrets.set(String((body as { machine: { id: string } }).machine.id), parsed.machineSecret);
      delete parsed.machineSecret;
    }
    return { status: response.status, body: parsed };
  };
  return {
    provider,
    url: provider.url,
    call,
    async upload(manifest) {
      // A small real file: random bytes, so every package has its own content hash.
      const form = new FormData();
      form.append('manifest', JSON.stringify({ installProperties: {}, ...manifest }));
      form.append('file', new Blob([randomBytes(64)]), `${manifest.version}.tar.gz`);
      const response = await fetch(`${provider.url}/api/v1/updates`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const body = await response.json();
      if (response.status !== 201)
        throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await provider.close();
      await cleanup();
    },
  };
}

/** A manifest of product Client (line CIC) at `version`, release and patch label derived from it. */
export function clientManifest(
  version: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return {
    application: 'Client',
    productLine: 'CIC',
    release: `20${String(major).padStart(2, '0')} R${minor}`,
    patch: patch === 0 ? 'GA Install' : `Patch${patch}`,
    installType: patch === 0 ? 'Install' : 'Patch',
    version,
    upgradeCode: 'U-CLIENT',
    productCode: `P-CLIENT-${major}-${minor}`,
    ...fields,
  };
}

/** A check-in body for machine `id`. */
export function checkInBody(
  id: string,
  fields: {
    version?: string;
    updates?: string[];
    settings?: Record<string, unknown>;
    planEtag?: string;
  } = {},
): Record<string, unknown> {
  return {
    machine: { id, name: `PC-${id}`, ip: '10.0.0.1', agentVersion: '0.1.0' },
    settings: fields.settings ?? { mode: 'automatic', installDay: 'everyday', installHour: 3 },
    installed: [
      {
        upgradeCode: 'U-CLIENT',
        productCode: 'P-CLIENT-15-1',
        application: 'Client',
        productLine: 'CIC',
        version: fields.version ?? '15.01.00.00',
        updates: fields.updates ?? [],
      },
    ],
    status: { restartRequired: false },
    planEtag: fields.planEtag,
  };
}
