import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../http/createApp.ts';
import { createContentRouter } from '../../http/routes/contentRoutes.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { startTestProvider, type TestProvider, testManifest } from '../helpers/testProvider.ts';

const test = suite('GET /content/:sha256');
const BYTES = randomBytes(3 * 1024 * 1024 + 17);
const SHA = createHash('sha256').update(BYTES).digest('hex');
let provider: TestProvider;

test.before(async () => {
  provider = await startTestProvider();
  const { status } = await provider.upload(testManifest(), BYTES);
  assert.is(status, 201);
});
test.after(async () => {
  await provider.dispose();
});

/** Content paths are requested signed, with the query a check-in would hand an agent. */
const signed = (path: string) => {
  const sha = /^\/content\/([0-9a-fA-F]{64})$/.exec(path)?.[1];
  return sha === undefined ? path : `${path}?${provider.contentPath(sha.toLowerCase()).split('?')[1]}`;
};

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${provider.url}${signed(path)}`, { method, headers });

/** A raw HTTP request, so paths reach the server exactly as written (fetch would normalise `..`). */
function rawRequest(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a full GET is 200 with the bytes, ETag, Content-Length, Accept-Ranges and octet-stream', async () => {
  const response = await get(`/content/${SHA}`);
  assert.is(response.status, 200);
  assert.is(response.headers.get('etag'), `"${SHA}"`);
  assert.is(response.headers.get('content-length'), String(BYTES.length));
  assert.is(response.headers.get('accept-ranges'), 'bytes');
  assert.is(response.headers.get('content-type'), 'application/octet-stream');
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(BYTES));
});

test('HEAD gives the same headers and no body', async () => {
  const response = await get(`/content/${SHA}`, {}, 'HEAD');
  assert.is(response.status, 200);
  assert.is(response.headers.get('content-length'), String(BYTES.length));
  assert.is(response.headers.get('etag'), `"${SHA}"`);
  assert.is((await response.arrayBuffer()).byteLength, 0);
});

test('a single Range is 206 with Content-Range and exactly those bytes', async () => {
  const response = await get(`/content/${SHA}`, { Range: 'bytes=100-1099' });
  assert.is(response.status, 206);
  assert.is(response.headers.get('content-range'), `bytes 100-1099/${BYTES.length}`);
  assert.is(response.headers.get('content-length'), '1000');
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(BYTES.subarray(100, 1100)));
  const suffix = await get(`/content/${SHA}`, { Range: 'bytes=-10' });
  assert.ok(Buffer.from(await suffix.arrayBuffer()).equals(BYTES.subarray(BYTES.length - 10)));
});

test('HEAD with a Range is 206 with the range length and no body', async () => {
  const response = await get(`/content/${SHA}`, { Range: 'bytes=10-19' }, 'HEAD');
  assert.is(response.status, 206);
  assert.is(response.headers.get('content-length'), '10');
  assert.is(response.headers.get('content-range'), `bytes 10-19/${BYTES.length}`);
});

test('an unsatisfiable Range is 416 RANGE_NOT_SATISFIABLE with Content-Range bytes */size', async () => {
  const response = await get(`/content/${SHA}`, { Range: `bytes=${BYTES.length}-` });
  assert.is(response.status, 416);
  assert.is(response.headers.get('content-range'), `bytes */${BYTES.length}`);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'RANGE_NOT_SATISFIABLE');
});

test('several ranges are served whole with 200', async () => {
  const response = await get(`/content/${SHA}`, { Range: 'bytes=0-1,5-6' });
  assert.is(response.status, 200);
  assert.is((await response.arrayBuffer()).byteLength, BYTES.length);
});

test('If-None-Match with the ETag is 304 with no body', async () => {
  const response = await get(`/content/${SHA}`, { 'If-None-Match': `"${SHA}"` });
  assert.is(response.status, 304);
  assert.is(response.headers.get('etag'), `"${SHA}"`);
  assert.is((await response.arrayBuffer()).byteLength, 0);
  const other = await get(`/content/${SHA}`, { 'If-None-Match': '"something-else"' });
  assert.is(other.status, 200);
  await other.arrayBuffer();
});

test('If-Range with the ETag honours the Range; another tag or a date gives the whole 200', async () => {
  const matching = await get(`/content/${SHA}`, { Range: 'bytes=5-9', 'If-Range': `"${SHA}"` });
  assert.is(matching.status, 206);
  assert.ok(Buffer.from(await matching.arrayBuffer()).equals(BYTES.subarray(5, 10)));
  for (const ifRange of ['"stale"', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
    const stale = await get(`/content/${SHA}`, { Range: 'bytes=5-9', 'If-Range': ifRange });
    assert.is(stale.status, 200);
    assert.is((await stale.arrayBuffer()).byteLength, BYTES.length);
  }
});

test('an upper-case hash is the same content', async () => {
  const response = await get(`/content/${SHA.toUpperCase()}`, { Range: 'bytes=0-3' });
  assert.is(response.status, 206);
  assert.is(response.headers.get('etag'), `"${SHA}"`);
  await response.arrayBuffer();
});

test('an unknown hash is 404 CONTENT_NOT_FOUND', async () => {
  const response = await get(`/content/${'0'.repeat(64)}`);
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'CONTENT_NOT_FOUND');
});

test('content is public: no admin authentication stands in front of it', async () => {
  // An authenticate hook that refuses everything guards only the admin routers.
  const app = createApp({
    publicRouters: [createContentRouter({ content: provider.core.content })],
    adminRouters: [],
    authenticate: (ctx) => ctx.throw(401),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.is((await fetch(`${url}/content/${SHA}`, { method: 'HEAD' })).status, 200);
    assert.is((await fetch(`${url}/api/v1/updates`)).status, 401);
  } finally {
    server.close();
  }
});

test('traversal attempts are refused before the content store is asked', async () => {
  const asked: string[] = [];
  const app = createApp({
    publicRouters: [
      createContentRouter({
        content: {
          openForRead: async (sha256) => {
            asked.push(sha256);
            return undefined;
          },
        },
      }),
    ],
    adminRouters: [],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of [
      '/content/..%2F..%2Fetc%2Fpasswd',
      '/content/../../etc/passwd',
      '/content/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      `/content/${'a'.repeat(62)}%2F..`,
      `/content/${'a'.repeat(63)}`,
      `/content/${'a'.repeat(64)}%00`,
      `/content/${'g'.repeat(64)}`,
    ]) {
      const { status } = await rawRequest(url, path);
      assert.ok(status === 400 || status === 404, `${path} → ${status}`);
    }
    assert.equal(asked, []);
  } finally {
    server.close();
  }
});

const hasCurl = existsSync('/usr/bin/curl') || existsSync('/bin/curl');

test('curl -C - resumes an interrupted download to identical bytes', async () => {
  if (!hasCurl) {
    console.warn('curl not installed: resume checked with fetch only');
  }
  const { dir, cleanup } = await makeTempDir();
  const target = join(dir, 'package.bin');
  try {
    // An interrupted download: the first 1 MiB + 5 bytes made it to disk.
    await writeFile(target, BYTES.subarray(0, 1024 * 1024 + 5));
    if (hasCurl) {
      await new Promise<void>((resolve, reject) =>
        execFile(
          'curl',
          ['-sS', '-f', '-C', '-', '-o', target, `${provider.url}${signed(`/content/${SHA}`)}`],
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    } else {
      const rest = await get(`/content/${SHA}`, { Range: `bytes=${1024 * 1024 + 5}-` });
      await writeFile(target, Buffer.from(await rest.arrayBuffer()), { flag: 'a' });
    }
    const resumed = await readFile(target);
    assert.is(resumed.length, BYTES.length);
    assert.is(createHash('sha256').update(resumed).digest('hex'), SHA);
  } finally {
    await cleanup();
  }
});

test.run();
