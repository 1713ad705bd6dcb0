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
  /** Sends JSON (or nothing) and returns status and parsed body. */
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
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
    ...options,
  });
  return Object.assign(running, {
    dataDir: dir,
    json: (method: string, path: string, body?: unknown) => requestJson(running.url, method, path, body),
    upload: (
      manifest: unknown,
      bytes: Uint8Array | string,
      fileName = 'package.tar.gz',
      extra?: UploadExtra,
    ) => uploadPackage(running.url, manifest, bytes, fileName, extra),
    async dispose() {
      await running.close();
      await cleanup();
    },
  });
}

/** Sends a JSON request to `baseUrl` and parses the reply (undefined for an empty body). */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
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
    headers: extra.headers,
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
