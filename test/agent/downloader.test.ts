import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type DownloaderOptions,
  type DownloadProgress,
  type DownloadSource,
  downloadContent,
  downloadedPath,
  partialPath,
} from '../../src/agent/downloader.ts';
import { createDispatcher } from '../../src/agent/httpDispatcher.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { type ContentServer, startConnectProxy, startContentServer } from '../helpers/contentServer.ts';

const bytes = randomBytes(256 * 1024);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const path = `/content/${sha256}`;
const opened = createCleanups();

interface Fixture {
  server: ContentServer;
  dataDir: string;
  source: DownloadSource;
  options: DownloaderOptions;
}

async function fixture(serverOptions = {}): Promise<Fixture> {
  const server = opened.add(await startContentServer(new Map([[path, bytes]]), serverOptions), (s) =>
    s.close(),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'pb-dl-'));
  return {
    server,
    dataDir,
    source: { sha256, size: bytes.length, urls: [server.url + path], signed: false },
    options: {
      dataDir,
      verifySignatures: true,
      trustedPublicKeys: [],
      retry: { rounds: 3, baseMs: 5, maxMs: 20 },
      progressIntervalMs: 0,
    },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isPatchbayError(error) ? error.code : `not a PatchbayError: ${(error as Error).name}`;
  }
  return 'resolved';
}

const download = suite('downloadContent');
download.after.each(opened.release);

download('streams the bytes into downloads/<sha256> and removes the partial', async () => {
  const f = await fixture();
  const result = await downloadContent(f.source, {}, f.options);
  assert.is(result.file, downloadedPath(f.dataDir, sha256));
  assert.ok((await readFile(result.file)).equals(bytes));
  assert.is(existsSync(partialPath(f.dataDir, sha256)), false);
  assert.is(result.bytesTransferred, bytes.length);
});

download('reports progress up to the full size with a rate', async () => {
  const f = await fixture();
  const seen: DownloadProgress[] = [];
  await downloadContent(f.source, { onProgress: (p) => seen.push(p) }, f.options);
  const last = seen.at(-1)!;
  assert.is(last.bytes, bytes.length);
  assert.is(last.total, bytes.length);
  assert.ok(last.rate > 0);
});

download('an already verified file is not fetched again', async () => {
  const f = await fixture();
  await downloadContent(f.source, {}, f.options);
  const again = await downloadContent(f.source, {}, f.options);
  assert.is(again.bytesTransferred, 0);
  assert.is(f.server.requests.length, 1);
});

/** The size of `file` once it is more than empty (or after 5 s, whatever it is then). */
async function grownSize(file: string): Promise<number> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { size } = await stat(file);
    if (size > 0 || Date.now() > deadline) return size;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

download('abort keeps the partial file and rejects', async () => {
  const f = await fixture({ stallAfter: 100_000 });
  const controller = new AbortController();
  const onProgress = (p: DownloadProgress) => {
    if (p.bytes >= 100_000) controller.abort();
  };
  const outcome = await codeOf(
    downloadContent(f.source, { signal: controller.signal, onProgress }, f.options),
  );
  assert.match(outcome, /not a PatchbayError/);
  // The received bytes reach the partial file in the background, so that the cancel returns at once.
  const partialSize = await grownSize(partialPath(f.dataDir, sha256));
  assert.ok(partialSize > 0 && partialSize <= 100_000);
  assert.is(existsSync(downloadedPath(f.dataDir, sha256)), false);
});

download('a resume asks Range: bytes=N- and transfers only the rest', async () => {
  const f = await fixture();
  await mkdir(join(f.dataDir, 'partial'), { recursive: true });
  await writeFile(partialPath(f.dataDir, sha256), bytes.subarray(0, 70_000));
  const result = await downloadContent(f.source, {}, f.options);
  assert.equal(f.server.requests[0], { path, range: 'bytes=70000-' });
  assert.is(result.resumedFrom, 70_000);
  assert.is(result.bytesTransferred, bytes.length - 70_000);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('abort then a new call resumes from the partial file', async () => {
  const f = await fixture({ stallAfter: 100_000 });
  const controller = new AbortController();
  let received = 0;
  const onProgress = (p: DownloadProgress) => {
    received = p.bytes;
    if (p.bytes >= 100_000) controller.abort();
  };
  await codeOf(downloadContent(f.source, { signal: controller.signal, onProgress }, f.options));
  // The received bytes reach the partial file in the background after a cancel (so that cancel
  // returns at once); the next call waits for them, and resumes from exactly there.
  f.server.options = {};
  const result = await downloadContent(f.source, {}, f.options);
  assert.ok(received >= 100_000);
  assert.is(f.server.requests[1]?.range, `bytes=${received}-`);
  assert.ok(result.bytesTransferred < bytes.length);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('a 200 answer to a range request restarts the file from zero', async () => {
  const f = await fixture({ ignoreRange: true });
  await mkdir(join(f.dataDir, 'partial'), { recursive: true });
  await writeFile(partialPath(f.dataDir, sha256), bytes.subarray(0, 70_000));
  const result = await downloadContent(f.source, {}, f.options);
  assert.is(result.bytesTransferred, bytes.length);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('a partial longer than the size is started over', async () => {
  const f = await fixture();
  await mkdir(join(f.dataDir, 'partial'), { recursive: true });
  await writeFile(partialPath(f.dataDir, sha256), Buffer.concat([bytes, Buffer.from('extra')]));
  const result = await downloadContent(f.source, {}, f.options);
  assert.is(f.server.requests[0]?.range, undefined);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('a hash mismatch is CONTENT_HASH_MISMATCH, deletes the partial and places nothing', async () => {
  const f = await fixture();
  const wrong = { ...f.source, sha256: 'b'.repeat(64) };
  f.server.options = {};
  const server = opened.add(await startContentServer(new Map([[`/content/${'b'.repeat(64)}`, bytes]])), (s) =>
    s.close(),
  );
  wrong.urls = [`${server.url}/content/${'b'.repeat(64)}`];
  assert.is(await codeOf(downloadContent(wrong, {}, f.options)), 'CONTENT_HASH_MISMATCH');
  assert.is(existsSync(partialPath(f.dataDir, wrong.sha256)), false);
  assert.is(existsSync(downloadedPath(f.dataDir, wrong.sha256)), false);
});

download('a corrupt partial is caught by the hash and deleted', async () => {
  const f = await fixture();
  await mkdir(join(f.dataDir, 'partial'), { recursive: true });
  await writeFile(partialPath(f.dataDir, sha256), randomBytes(70_000));
  assert.is(await codeOf(downloadContent(f.source, {}, f.options)), 'CONTENT_HASH_MISMATCH');
  assert.is(existsSync(partialPath(f.dataDir, sha256)), false);
});

download('URLs are tried in order: a dead first URL falls through to the second', async () => {
  const f = await fixture();
  const source = { ...f.source, urls: ['http://127.0.0.1:1/content/x', f.server.url + path] };
  const result = await downloadContent(source, {}, f.options);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('server errors are retried in rounds with backoff until one succeeds', async () => {
  const f = await fixture({ failFirst: 2 });
  const result = await downloadContent(f.source, {}, f.options);
  assert.is(f.server.requests.length, 3);
  assert.ok((await readFile(result.file)).equals(bytes));
});

download('when every round fails the last error is thrown', async () => {
  const f = await fixture({ failFirst: 100 });
  assert.is(await codeOf(downloadContent(f.source, {}, f.options)), 'DOWNLOAD_FAILED');
  assert.is(f.server.requests.length, 3);
});

download('a 404 from every URL is CONTENT_NOT_FOUND', async () => {
  const f = await fixture();
  const source = { ...f.source, urls: [`${f.server.url}/content/${'c'.repeat(64)}`] };
  assert.is(await codeOf(downloadContent(source, {}, f.options)), 'CONTENT_NOT_FOUND');
});

download.run();

const signatures = suite('downloadContent signatures');
signatures.after.each(opened.release);
const keys = generateKeyPairSync('ed25519');
const publicPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const goodSignature = sign(null, Buffer.from(sha256, 'hex'), keys.privateKey).toString('base64');

signatures('a signed update with a valid signature is placed', async () => {
  const f = await fixture();
  const options = { ...f.options, trustedPublicKeys: [publicPem] };
  const result = await downloadContent({ ...f.source, signed: true, signature: goodSignature }, {}, options);
  assert.ok(existsSync(result.file));
});

signatures('a bad signature is SIGNATURE_INVALID and nothing is placed', async () => {
  const f = await fixture();
  const other = generateKeyPairSync('ed25519');
  const bad = sign(null, Buffer.from(sha256, 'hex'), other.privateKey).toString('base64');
  const options = { ...f.options, trustedPublicKeys: [publicPem] };
  const code = await codeOf(downloadContent({ ...f.source, signed: true, signature: bad }, {}, options));
  assert.is(code, 'SIGNATURE_INVALID');
  assert.is(existsSync(downloadedPath(f.dataDir, sha256)), false);
});

signatures('a signed update without its signature is SIGNATURE_MISSING before any transfer', async () => {
  const f = await fixture();
  assert.is(await codeOf(downloadContent({ ...f.source, signed: true }, {}, f.options)), 'SIGNATURE_MISSING');
  assert.is(f.server.requests.length, 0);
});

signatures('with verifySignatures off a signed update needs no signature', async () => {
  const f = await fixture();
  const options = { ...f.options, verifySignatures: false };
  const result = await downloadContent({ ...f.source, signed: true }, {}, options);
  assert.ok(existsSync(result.file));
});

signatures.run();

const proxy = suite('downloadContent through a proxy');
proxy.after.each(opened.release);

proxy('goes through the configured proxy with Basic proxy credentials', async () => {
  const f = await fixture();
  const proxyServer = opened.add(await startConnectProxy({ user: 'alice', password: 's3cret' }), (p) =>
    p.close(),
  );
  const dispatcher = opened.add(
    createDispatcher({ url: proxyServer.url, user: 'alice', password: 's3cret' }, 5000),
    (d) => d.close(),
  );
  const result = await downloadContent(f.source, {}, { ...f.options, dispatcher });
  assert.ok((await readFile(result.file)).equals(bytes));
  assert.is(proxyServer.connects.length, 1);
  assert.is(
    proxyServer.connects[0]?.authorization,
    `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
  );
});

proxy('wrong proxy credentials fail the download', async () => {
  const f = await fixture();
  const proxyServer = opened.add(await startConnectProxy({ user: 'alice', password: 's3cret' }), (p) =>
    p.close(),
  );
  const dispatcher = opened.add(
    createDispatcher({ url: proxyServer.url, user: 'alice', password: 'nope' }, 5000),
    (d) => d.close(),
  );
  const options = { ...f.options, dispatcher, retry: { rounds: 1, baseMs: 1, maxMs: 1 } };
  assert.is(await codeOf(downloadContent(f.source, {}, options)), 'DOWNLOAD_FAILED');
  assert.is(f.server.requests.length, 0);
});

proxy.run();
