import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RouteInfo } from '../../http/routeList.ts';
import { changedKeys, contentFiles, storeDigest, storeEntries, waitForQuietStore } from './storeDump.ts';
import type { TestProvider } from './testProvider.ts';

/** One fuzzed request. */
interface FuzzRequest {
  route: RouteInfo;
  method: string;
  param: string;
  query: Array<[string, string]>;
  auth: 'admin' | 'none' | 'garbage' | 'cookie' | 'enrollment';
  contentType: string | undefined;
  headers: Array<[string, string]>;
  body: string | Uint8Array | undefined;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  /** Rejected (4xx) requests whose store digest was compared before and after. */
  rejectedChecked: number;
  routesHit: number;
  routes: number;
  durationMs: number;
}

const QUERY_KEYS = [
  'state',
  'productLine',
  'application',
  'highPriority',
  'search',
  'group',
  'machine',
  'type',
  'since',
  'until',
  'limit',
  'cursor',
  'exp',
  'sig',
  'auto',
];
const NASTY = [
  '',
  '..',
  '../../etc/passwd',
  '%00',
  '\u0000',
  'a'.repeat(5000),
  '0'.repeat(64),
  'ＡＢＣ',
  '😀',
  '{"a":1}',
  '-1',
  '1e309',
  'NaN',
  'true',
  'null',
  '__proto__',
  'constructor',
  'GA',
  'Remove',
  'default',
];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=latin1',
  'text/plain',
  'multipart/form-data; boundary=XYZ',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  'image/png',
];
const HEADER_NAMES = [
  'range',
  'if-none-match',
  'if-range',
  'x-patchbay-enrollment',
  'accept',
  'content-encoding',
  'origin',
];

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'.split('')),
  maxLength: 60,
});
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...NASTY),
);

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function bodies(extraIds: string[]): fc.Arbitrary<string | Uint8Array | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    // Shapes close to what routes accept, with fields of the wrong kind.
    fc
      .record(
        {
          state: fc.oneof(fc.constantFrom('GA', 'Inactive', 'Remove', 'PreApproval'), anyText),
          name: fc.oneof(anyText, fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/)),
          password: anyText,
          updateIds: fc.array(fc.oneof(fc.constantFrom(...extraIds), anyText), { maxLength: 5 }),
          path: anyText,
          auto: fc.oneof(fc.boolean(), anyText),
          machine: fc.record({ id: anyText, name: anyText }),
          machineId: anyText,
          events: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    anyText,
    fc.integer({ min: 30, max: 200 }).map(nested),
    fc.integer({ min: 10_001, max: 20_000 }).map((n) => JSON.stringify(new Array(n).fill(0))),
    fc.uint8Array({ maxLength: 300 }),
    fc.constant('--XYZ\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n{}\r\n--XYZ--\r\n'),
    fc.constant('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\nabc'),
  );
}

function requests(routes: RouteInfo[], ids: string[]): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
    ),
    param: fc.oneof(fc.constantFrom(...ids), anyText).filter((value) => value !== 'admin'),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), printable), anyText), { maxLength: 4 }),
    auth: fc.oneof(
      { weight: 6, arbitrary: fc.constant('admin' as const) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'none' as const,
          'garbage' as const,
          'cookie' as const,
          'enrollment' as const,
        ),
      },
    ),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    headers: fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES), printable), { maxLength: 3 }),
    body: bodies(ids),
  });
}

function toFetch(
  provider: TestProvider,
  request: FuzzRequest,
  enrollmentKey: string,
): { url: URL; init: RequestInit } {
  const path = request.route.path.replace(/:[A-Za-z0-9_]+/g, () => encodeURIComponent(request.param));
  const url = new URL(path, provider.url);
  for (const [key, value] of request.query) url.searchParams.append(key, value);
  const method = request.method || request.route.method;
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.auth === 'admin') headers.authorization = `Bearer ${provider.adminToken}`;
  if (request.auth === 'garbage') headers.authorization = `Bearer ${provider.adminToken.slice(0, -2)}xx`;
  if (request.auth === 'cookie') headers.cookie = 'patchbay_session=pbs_forged';
  if (request.auth === 'enrollment') headers['x-patchbay-enrollment'] = enrollmentKey;
  const canHaveBody = method !== 'GET' && method !== 'HEAD';
  return {
    url,
    init: {
      method,
      headers,
      body: canHaveBody ? request.body : undefined,
      signal: AbortSignal.timeout(30_000),
    },
  };
}

/**
 * Sends `runs` random and malformed requests to every route the provider serves (its route list
 * comes from the routers, so new endpoints are fuzzed without editing this) and asserts, per
 * request: no 5xx; an error answer carries the JSON envelope; a rejected (4xx) request changed
 * nothing in the store or the content folder. Afterwards the provider must still be healthy.
 */
export async function fuzzEndpoints(
  provider: TestProvider,
  options: { runs: number; seed?: number; ids?: string[] },
): Promise<FuzzReport> {
  const started = Date.now();
  const byStatus: Record<number, number> = {};
  const hit = new Set<string>();
  let rejectedChecked = 0;
  let lastAccepted = true;
  const ids = [...(options.ids ?? []), 'default', 'some-id', 'a'.repeat(64)];
  const enrollmentKey = (await readFile(join(provider.dataDir, 'enrollment-key'), 'utf8')).trim();
  const result = await fc.check(
    fc.asyncProperty(requests(provider.routes, ids), async (request) => {
      const { url, init } = toFetch(provider, request, enrollmentKey);
      // Some accepted changes are followed by background writes (their activity entries); let those
      // land first so they are not blamed on the request under test.
      if (lastAccepted) await waitForQuietStore(provider.core.store, provider.dataDir, provider.core.host);
      const before = await storeDigest(provider.core.store, provider.dataDir);
      const beforeEntries = await storeEntries(provider.core.store);
      const beforeFiles = await contentFiles(provider.dataDir);
      const response = await fetch(url, init);
      const text = await response.text();
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      lastAccepted = response.status < 400;
      hit.add(`${request.route.method} ${request.route.path}`);
      const where = `${init.method} ${url.pathname}${url.search} → ${response.status} ${text.slice(0, 300)}`;
      if (response.status >= 500) throw new Error(`server error: ${where}`);
      if (response.status >= 400) {
        if (init.method !== 'HEAD') {
          const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') {
            throw new Error(`no error envelope: ${where}`);
          }
        }
        const after = await storeDigest(provider.core.store, provider.dataDir);
        if (after !== before) {
          const changed = changedKeys(beforeEntries, await storeEntries(provider.core.store));
          // No key changed: say which content files did (a temp file of a staging in flight?).
          if (changed.length === 0) {
            const afterFiles = await contentFiles(provider.dataDir);
            changed.push(
              ...beforeFiles
                .filter((line) => !afterFiles.includes(line))
                .map((line) => `file before: ${line}`),
              ...afterFiles
                .filter((line) => !beforeFiles.includes(line))
                .map((line) => `file after: ${line}`),
            );
          }
          throw new Error(
            `a rejected request changed the store (${changed.slice(0, 5).join(', ')}): ${where}`,
          );
        }
        rejectedChecked++;
      }
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: true },
  );
  if (result.failed) {
    // Only the reason and a short form of the request: bodies can be megabytes.
    const reason = (result.errorInstance as Error | undefined)?.message ?? 'failed';
    throw new Error(
      `${reason}\n(seed ${result.seed}; request ${JSON.stringify(result.counterexample).slice(0, 600)})`,
    );
  }
  const health = await fetch(new URL('/healthz', provider.url));
  if (health.status !== 200) throw new Error(`the provider is unhealthy after fuzzing: ${health.status}`);
  return {
    requests: options.runs,
    byStatus,
    rejectedChecked,
    routesHit: hit.size,
    routes: provider.routes.length,
    durationMs: Date.now() - started,
  };
}
