// npm run bench:content — GET /content against node:http + fs.createReadStream (and nginx, when
// installed) on the same 256 MB file, and update-folder import throughput, in one run.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { startProviderServer } from '../src/cli/providerServer.ts';
import { hashFile } from '../storage/hashFile.ts';
import { makeTempDir } from '../test/helpers/tempDir.ts';
import { testManifest } from '../test/helpers/testProvider.ts';
import { signBytes, TEST_PUBLIC_KEY_PATH } from '../test/helpers/testSigning.ts';
import { backdate } from '../test/helpers/updateFolder.ts';
import { type BenchRow, formatNumber, writeBenchSection } from './benchmarksFile.ts';

const FILE_MB = 256;
const ROUNDS = 5;
const SMALL_PACKAGES = 400;
const SMALL_BYTES = 64 * 1024;
const BIG_PACKAGES = 16;
const BIG_BYTES = 16 * 1024 * 1024;
const run = promisify(execFile);
const MB = 1024 * 1024;

/** Downloads `url` with curl in its own process and returns bytes per second. */
async function curlSpeed(url: string, expectedBytes: number): Promise<number> {
  const { stdout } = await run('curl', [
    '-s',
    '-f',
    '-o',
    '/dev/null',
    '-w',
    '%{size_download} %{time_total}',
    url,
  ]);
  const [size, seconds] = stdout.trim().split(' ').map(Number) as [number, number];
  if (size !== expectedBytes) throw new Error(`${url}: got ${size} bytes, expected ${expectedBytes}`);
  return size / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  await pipeline(
    (async function* () {
      for (let left = bytes; left > 0; left -= MB) yield randomBytes(Math.min(MB, left));
    })(),
    createWriteStream(path),
  );
}

/** Starts nginx on a loopback port serving `root`, or returns undefined when nginx is not installed. */
async function startNginx(
  root: string,
  work: string,
): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  const binary = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((path) =>
    existsSync(path),
  );
  if (!binary) return undefined;
  const probe = createServer();
  const port = Number(new URL(await listen(probe)).port);
  await new Promise((resolve) => probe.close(resolve));
  await mkdir(join(work, 'logs'), { recursive: true });
  const config = join(work, 'nginx.conf');
  await writeFile(
    config,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${join(work, 'nginx.pid')};
error_log ${join(work, 'logs', 'error.log')};
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${work}/body; proxy_temp_path ${work}/proxy; fastcgi_temp_path ${work}/fcgi;
  uwsgi_temp_path ${work}/uwsgi; scgi_temp_path ${work}/scgi;
  server { listen 127.0.0.1:${port}; location /content/ { alias ${root}/; default_type application/octet-stream; } }
}
`,
  );
  const child = spawn(binary, ['-p', work, '-c', config, '-g', 'daemon off;'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      await fetch(url);
      break;
    } catch {
      if (tries > 50 || child.exitCode !== null) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGQUIT');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function serving(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const { dir, cleanup } = await makeTempDir('pb-bench-content-');
  const notes: string[] = [];
  try {
    const source = join(dir, 'package.bin');
    await writeRandomFile(source, FILE_MB * MB);
    const { sha256, size } = await hashFile(source);
    const provider = await startProviderServer({
      dataDir: join(dir, 'data'),
      port: 0,
      host: '127.0.0.1',
      verifySignatures: false,
      scanDelayMs: 3_600_000,
    });
    const staged = await provider.core.content.stage(createReadStream(source));
    await staged.commit();
    const baseline = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      createReadStream(source).pipe(res);
    });
    const baselineUrl = await listen(baseline);
    await mkdir(join(dir, 'nginx-root'), { recursive: true });
    await copyFile(source, join(dir, 'nginx-root', sha256));
    const nginx = await startNginx(join(dir, 'nginx-root'), join(dir, 'nginx'));
    if (!nginx) {
      notes.push('nginx is not installed here (`apt-get install nginx`), so its row is left out.');
    }
    const speeds = { provider: [] as number[], baseline: [] as number[], nginx: [] as number[] };
    // One warm-up each, then rounds that alternate servers so drift hits all of them alike.
    // Content URLs are signed, as the provider hands them to agents in check-in replies.
    const providerUrl = `${provider.url}${provider.security.signContentPath(sha256)}`;
    await curlSpeed(providerUrl, size);
    await curlSpeed(baselineUrl, size);
    if (nginx) await curlSpeed(`${nginx.url}/content/${sha256}`, size);
    for (let round = 0; round < ROUNDS; round++) {
      speeds.provider.push(await curlSpeed(providerUrl, size));
      speeds.baseline.push(await curlSpeed(baselineUrl, size));
      if (nginx) speeds.nginx.push(await curlSpeed(`${nginx.url}/content/${sha256}`, size));
    }
    await nginx?.stop();
    baseline.close();
    await provider.close();
    const mbps = (bytesPerSecond: number) => `${formatNumber(bytesPerSecond / MB)} MB/s`;
    const ours = median(speeds.provider);
    const plain = median(speeds.baseline);
    const rows: BenchRow[] = [
      {
        figure: `GET /content, ${FILE_MB} MB file (median of ${ROUNDS}, curl client process)`,
        goal: '≥ 0.9× plain node:http + fs.createReadStream',
        measured: mbps(ours),
        baseline: `${mbps(plain)} (node:http + createReadStream)`,
        ratio: `${formatNumber(ours / plain, 2)}×`,
        met: ours / plain >= 0.9,
      },
    ];
    if (nginx) {
      const theirs = median(speeds.nginx);
      rows.push({
        figure: `GET /content, ${FILE_MB} MB file vs nginx (report only)`,
        goal: 'report only',
        measured: mbps(ours),
        baseline: `${mbps(theirs)} (nginx, sendfile on)`,
        ratio: `${formatNumber(ours / theirs, 2)}×`,
      });
    }
    return { rows, notes };
  } finally {
    await cleanup();
  }
}

/** Writes `count` signed packages of `bytes` random bytes (with manifests) into `folder`. */
async function writePackages(folder: string, count: number, bytes: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const data = randomBytes(bytes);
    const file = join(folder, `bench-${n}.tar.gz`);
    await writeFile(file, data);
    await writeFile(`${file}.manifest.json`, JSON.stringify(testManifest({ upgradeCode: `UC-BENCH-${n}` })));
    await writeFile(`${file}.sig`, signBytes(data));
    for (const path of [file, `${file}.manifest.json`, `${file}.sig`]) await backdate(path);
  }
}

/** The same bytes hashed and copied with nothing else: what an import cannot beat. */
async function rawHashAndCopy(folder: string, target: string, count: number): Promise<number> {
  await mkdir(target, { recursive: true });
  const started = performance.now();
  for (let n = 0; n < count; n++) {
    const hash = createHash('sha256');
    await pipeline(
      createReadStream(join(folder, `bench-${n}.tar.gz`), { highWaterMark: MB }),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(join(target, String(n))),
    );
    hash.digest('hex');
  }
  return (performance.now() - started) / 1000;
}

async function folderImport(count: number, bytes: number): Promise<{ seconds: number; rawSeconds: number }> {
  const { dir, cleanup } = await makeTempDir('pb-bench-folder-');
  try {
    const folder = join(dir, 'incoming');
    await mkdir(folder);
    await writePackages(folder, count, bytes);
    const rawSeconds = await rawHashAndCopy(folder, join(dir, 'raw'), count);
    const provider = await startProviderServer({
      dataDir: join(dir, 'data'),
      port: 0,
      host: '127.0.0.1',
      trustedKeyFiles: [TEST_PUBLIC_KEY_PATH],
      scanDelayMs: 3_600_000,
      importReporter: () => {},
    });
    const added = await provider.folders.add({ path: folder, auto: true });
    const started = performance.now();
    const results = await provider.folders.scan(added.id);
    const seconds = (performance.now() - started) / 1000;
    const imported = results.filter((result) => result.outcome === 'imported').length;
    await provider.close();
    if (imported !== count) throw new Error(`imported ${imported} of ${count}`);
    return { seconds, rawSeconds };
  } finally {
    await cleanup();
  }
}

const { rows, notes } = await serving();
const small = await folderImport(SMALL_PACKAGES, SMALL_BYTES);
const big = await folderImport(BIG_PACKAGES, BIG_BYTES);
const bigMb = (BIG_PACKAGES * BIG_BYTES) / MB;
rows.push(
  {
    figure: `Folder scan import, ${SMALL_PACKAGES} signed packages of ${SMALL_BYTES / 1024} KB`,
    goal: 'report only',
    measured: `${formatNumber(SMALL_PACKAGES / small.seconds)} packages/s`,
    baseline: `${formatNumber(SMALL_PACKAGES / small.rawSeconds)} files/s (hash + copy only)`,
    ratio: `${formatNumber(small.rawSeconds / small.seconds, 2)}×`,
  },
  {
    figure: `Folder scan import, ${BIG_PACKAGES} signed packages of ${BIG_BYTES / MB} MB`,
    goal: 'report only',
    measured: `${formatNumber(bigMb / big.seconds)} MB/s (${formatNumber(BIG_PACKAGES / big.seconds, 1)} packages/s)`,
    baseline: `${formatNumber(bigMb / big.rawSeconds)} MB/s (hash + copy only)`,
    ratio: `${formatNumber(big.rawSeconds / big.seconds, 2)}×`,
  },
);
notes.push(
  'Serving: the provider, the plain node:http server and nginx run on 127.0.0.1 in turn; each download is one `curl -o /dev/null` child process, so the client never shares the server event loop. The provider reads in 256 KiB chunks (ContentStore.openForRead); the baseline uses fs.createReadStream defaults (64 KiB), which is most of the difference. nginx uses sendfile (no copy through user space), which Node cannot.',
  'Small-package import is bounded by three fsyncs per package (the staged file, its content folder after the rename, and the catalog commit), which is the price of deleting the folder copy only once the package is durable.',
  'Folder import: one scan of an `auto` folder, timed from start to end: list, read and validate each manifest, stream the file into the content store while hashing it (SHA-256, one pass), fsync, verify the Ed25519 signature against the trusted key, commit the update to the catalog (fsynced), delete the package and sidecars from the folder. The baseline hashes and copies the same files with nothing else (no fsync).',
);
await writeBenchSection(
  'content',
  'Content: serving and update-folder import',
  'npm run bench:content',
  rows,
  notes.map((note) => `- ${note}`).join('\n'),
);
for (const row of rows)
  console.log(`${row.figure}: ${row.measured} vs ${row.baseline ?? '—'} (${row.ratio ?? '—'})`);
