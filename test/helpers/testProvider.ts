import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_TOKEN_FILE } from '../../src/cli/adminSecurity.ts';
import {
  type ProviderServerOptions,
  type RunningProvider,
  startProviderServer,
} from '../../src/cli/providerServer.ts';
import { makeTempDir } from './tempDir.ts';
import { signBytes, TEST_PUBLIC_KEY_PATH } from './testSigning.ts';

/** A provider on 127.0.0.1 with a port chosen by the OS and a fresh data folder. */
export interface TestProvider extends RunningProvider {
  dataDir: string;
  /** The initial admin API token the provider wrote to `<data>/admin-token`. */
  adminToken: string;
  /** Sends JSON (or nothing) as the admin and returns status and parsed body. */
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The signed path (`/content/<sha256>?exp=…&sig=…`) a check-in would hand an agent. */
  contentPath(sha256: string): string;
  /** Sends JSON (or nothing) with only the given headers: no admin token (for 401 tests). */
  anonymous(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  /** Uploads a package through POST /api/v1/updates, signed with the test key unless `extra` says otherwise. */
  upload(
    manifest: unknown,
    bytes: Uint8Array | string,
    fileName?: string,
    extra?: UploadExtra,
  ): Promise<{ status: number; body: any }>;
  /** Closes the server and removes the data folder. */
  dispose(): Promise<void>;
}

/**
 * Starts a provider for one test, with VerifyDigitalSignature on (the default) trusting the
 * TEST-ONLY fixtures/keys/test-signing.pub, exactly as `--trusted-key` would.
 */
export async function startTestProvider(options: Partial<ProviderServerOptions> = {}): Promise<TestProvider> {
  const { dir, cleanup } = await makeTempDir();
  const running = await startProviderServer({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    trustedKeyFiles: [TEST_PUBLIC_KEY_PATH],
    // No last-contact writes behind a test's back (tests that compare the store before and after a
    // request would see them); closing the provider still flushes. LastContacts tests its own timer.
    contactFlushMs: 3_600_000,
    ...options,
  });
  const adminToken = await readAdminToken(options.dataDir ?? dir);
  const auth = adminHeaders(adminToken);
  return Object.assign(running, {
    dataDir: options.dataDir ?? dir,
    adminToken,
    json: (method: string, path: string, body?: unknown) =>
      requestJson(running.url, method, path, body, auth),
    contentPath: (sha256: string) => running.security.signContentPath(sha256),
    anonymous: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      requestJson(running.url, method, path, body, headers),
    upload: (
      manifest: unknown,
      bytes: Uint8Array | string,
      fileName = 'package.tar.gz',
      extra: UploadExtra = {},
    ) =>
      uploadPackage(running.url, manifest, bytes, fileName, {
        ...extra,
        headers: { ...auth, ...extra.headers },
      }),
    async dispose() {
      await running.close();
      await cleanup();
    },
  });
}

// Admin tokens of child providers by base URL (test/helpers/childProvider.ts registers them), so
// helpers that call a child's admin API by URL alone (e2e fixtures, activity) authenticate.
const CHILD_ADMIN_TOKENS = new Map<string, string>();

/** Remembers the admin token of a provider at `baseUrl` for {@link requestJson} and {@link uploadPackage}. */
export function rememberAdminToken(baseUrl: string, token: string): void {
  CHILD_ADMIN_TOKENS.set(new URL(baseUrl).origin, token);
}

/** The remembered admin headers for `baseUrl`, unless `headers` already authenticate. */
export function withRememberedAdmin(
  baseUrl: string,
  headers: Record<string, string> = {},
): Record<string, string> {
  const token = CHILD_ADMIN_TOKENS.get(new URL(baseUrl).origin);
  const hasAuth = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  return token === undefined || hasAuth ? headers : { ...headers, authorization: `Bearer ${token}` };
}

/** The admin token a provider wrote to `<dataDir>/admin-token` at its first start. */
export async function readAdminToken(dataDir: string): Promise<string> {
  return (await readFile(join(dataDir, ADMIN_TOKEN_FILE), 'utf8')).trim();
}

/** The Authorization header that carries an admin API token. */
export function adminHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Sends a JSON request to `baseUrl` and parses the reply (undefined for an empty body). */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const sent = path.startsWith('/api/v1/') ? withRememberedAdmin(baseUrl, headers) : headers;
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

/** Options of an upload: the signature part and extra headers. */
export interface UploadExtra {
  /** The signature part; undefined signs the bytes with the TEST-ONLY key, null sends none. */
  signature?: string | Uint8Array | null;
  headers?: Record<string, string>;
}

/** Uploads `bytes` with `manifest` as multipart/form-data, signed with the test key by default. */
export async function uploadPackage(
  baseUrl: string,
  manifest: unknown,
  bytes: Uint8Array | string,
  fileName: string,
  extra: UploadExtra = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('manifest', typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  const signature = extra.signature === undefined ? signBytes(bytes) : extra.signature;
  if (signature !== null) {
    form.append('signature', new Blob([signature]), 'package.sig');
  }
  form.append('file', new Blob([bytes]), fileName);
  const response = await fetch(new URL('/api/v1/updates', baseUrl), {
    method: 'POST',
    body: form,
    headers: withRememberedAdmin(baseUrl, extra.headers),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

/** A valid manifest for tests, with fields overridable. */
export function testManifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    application: 'Demo Server',
    productLine: 'DEMO',
    release: '2025 R1',
    patch: 'Patch1',
    installType: 'Patch',
    version: '25.01.01.03',
    upgradeCode: 'UC-DEMO-SERVER',
    productCode: 'PC-DEMO-SERVER-2025R1',
    installProperties: { LOGLEVEL: 'info' },
    ...overrides,
  };
}
