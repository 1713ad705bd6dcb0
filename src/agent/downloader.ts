import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dispatcher, request } from 'undici';
import { isPatchbayError, PatchbayError } from '../domain/PatchbayError.ts';
import { verifyDigest } from '../domain/packageSignature.ts';
import { backoffDelay } from '../domain/timerSpec.ts';

/** What to download: the content's identity, where from, and its signature if signed. */
export interface DownloadSource {
  sha256: string;
  size: number;
  urls: string[];
  signed: boolean;
  /** Base64 detached Ed25519 signature over the SHA-256 digest. */
  signature?: string;
}

/** Progress of one download: bytes on disk so far, the total, and this session's transfer rate. */
export interface DownloadProgress {
  bytes: number;
  total: number;
  /** Bytes received in this call (excludes what a previous run left in the partial file). */
  transferred: number;
  /** Bytes per second over this call. */
  rate: number;
}

/** Where and how the downloader works. */
export interface DownloaderOptions {
  /** The agent data folder: partials go to `<dataDir>/partial`, verified files to `<dataDir>/downloads`. */
  dataDir: string;
  dispatcher?: Dispatcher;
  verifySignatures: boolean;
  trustedPublicKeys: string[];
  /** Rounds over the URL list, with exponential backoff between rounds. */
  retry?: { rounds: number; baseMs: number; maxMs: number };
  /** Minimum milliseconds between progress callbacks (the last one always comes). */
  progressIntervalMs?: number;
  /** Bytes per second this download may use; 0 or absent = as fast as the network goes. */
  maxBytesPerSecond?: number;
}

/** One download call: cancellation and progress. */
export interface DownloadCall {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/** What a finished download gives back. */
export interface DownloadedFile {
  file: string;
  /** Bytes received over the network by this call: less than the size after a resume. */
  bytesTransferred: number;
  /** Bytes that were already in the partial file when the call started. */
  resumedFrom: number;
}

const DEFAULT_RETRY = { rounds: 3, baseMs: 500, maxMs: 10_000 };
const WRITE_BATCH_BYTES = 1024 * 1024;
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;

/** The path of the verified file for a SHA-256 under `dataDir`. */
export function downloadedPath(dataDir: string, sha256: string): string {
  return join(dataDir, 'downloads', sha256);
}

/** The path of the partial file for a SHA-256 under `dataDir` (kept across cancels for resume). */
export function partialPath(dataDir: string, sha256: string): string {
  return join(dataDir, 'partial', `${sha256}.part`);
}

/**
 * True for failures worth another try later (network, 5xx, not-yet-present content); false for
 * bad content or bad signatures, which another try cannot fix.
 */
export function isRetryableDownloadError(error: unknown): boolean {
  return !(
    isPatchbayError(error, 'CONTENT_HASH_MISMATCH') ||
    isPatchbayError(error, 'SIGNATURE_INVALID') ||
    isPatchbayError(error, 'SIGNATURE_MISSING')
  );
}

/**
 * Downloads `source` into `<data>/downloads/<sha256>`: streams into `<data>/partial/<sha256>.part`,
 * resumes an existing partial with `Range: bytes=N-` (restarting when the server answers 200),
 * tries each URL in order and, when all fail, waits with exponential backoff before the next round.
 * Size, SHA-256 and (when signed and verification is on) the Ed25519 signature are checked before
 * the rename into place. Abort keeps the partial; a hash mismatch deletes it (CONTENT_HASH_MISMATCH).
 *
 * @example await downloadContent(source, { signal, onProgress }, { dataDir, verifySignatures: true, trustedPublicKeys })
 */
export async function downloadContent(
  source: DownloadSource,
  call: DownloadCall,
  options: DownloaderOptions,
): Promise<DownloadedFile> {
  if (!/^[0-9a-f]{64}$/.test(source.sha256)) {
    throw new TypeError(`Expected \`sha256\` to be 64 lower-case hex characters, got \`${source.sha256}\``);
  }
  const target = downloadedPath(options.dataDir, source.sha256);
  if ((await sizeOf(target)) === source.size) return { file: target, bytesTransferred: 0, resumedFrom: 0 };
  checkSignaturePolicy(source, options);
  const partial = partialPath(options.dataDir, source.sha256);
  await mkdir(join(options.dataDir, 'partial'), { recursive: true });
  await mkdir(join(options.dataDir, 'downloads'), { recursive: true });
  const retry = options.retry ?? DEFAULT_RETRY;
  await settling.get(partial);
  const resumedFrom = Math.min(Math.max(0, await sizeOf(partial)), source.size);
  const session = { transferred: 0, startedAt: Date.now(), lastProgressAt: 0 };
  let lastError: unknown = new PatchbayError('no URL to download from', { code: 'DOWNLOAD_FAILED' });

  for (let round = 1; round <= retry.rounds; round += 1) {
    for (const url of source.urls) {
      call.signal?.throwIfAborted();
      try {
        const digest = await fetchInto(url, partial, source, call, options, session);
        await verifyAndPlace(partial, target, source, digest, options);
        return { file: target, bytesTransferred: session.transferred, resumedFrom };
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason ?? error;
        lastError = error;
        if (isPatchbayError(error, 'CONTENT_HASH_MISMATCH')) {
          await settling.get(partial);
          await rm(partial, { force: true });
        }
        if (!isRetryableDownloadError(error) && !isPatchbayError(error, 'CONTENT_HASH_MISMATCH')) throw error;
      }
    }
    // A mismatch from every URL is bad content, not a bad network: another round cannot help.
    if (isPatchbayError(lastError, 'CONTENT_HASH_MISMATCH')) throw lastError;
    if (round < retry.rounds) await sleep(backoffDelay(round, retry.baseMs, retry.maxMs), call.signal);
  }
  throw isPatchbayError(lastError)
    ? lastError
    : new PatchbayError(`no URL delivered ${source.sha256}: ${(lastError as Error).message}`, {
        code: 'DOWNLOAD_FAILED',
        cause: lastError,
      });
}

/** Partial files still being flushed after a stopped transfer; a new attempt waits for them. */
const settling = new Map<string, Promise<void>>();

async function fetchInto(
  url: string,
  partial: string,
  source: DownloadSource,
  call: DownloadCall,
  options: DownloaderOptions,
  session: { transferred: number; startedAt: number; lastProgressAt: number },
): Promise<string> {
  await settling.get(partial);
  let offset = Math.max(0, await sizeOf(partial));
  if (offset > source.size) {
    await truncate(partial, 0);
    offset = 0;
  }
  // The hash covers the whole file, so a resume first hashes what is already on disk.
  const hash = createHash('sha256');
  if (offset > 0) await hashInto(hash, partial);
  if (offset === source.size) {
    session.lastProgressAt = 0;
    report(call, options, session, offset, source.size);
    return hash.digest('hex');
  }
  const response = await request(url, {
    method: 'GET',
    dispatcher: options.dispatcher,
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    signal: call.signal,
  });
  let append = offset > 0;
  if (response.statusCode === 206) {
    const start = /^bytes (\d+)-/.exec(String(response.headers['content-range'] ?? ''))?.[1];
    if (Number(start) !== offset) {
      await response.body.dump();
      throw new PatchbayError(`${url} answered a range that does not start at ${offset}`, {
        code: 'DOWNLOAD_FAILED',
      });
    }
  } else if (response.statusCode === 200) {
    // The server ignored Range (or there was none): start the file over.
    append = false;
    offset = 0;
  } else {
    await response.body.dump();
    const code = response.statusCode === 404 ? 'CONTENT_NOT_FOUND' : 'DOWNLOAD_FAILED';
    throw new PatchbayError(`${url} answered ${response.statusCode}`, { code, details: { url } });
  }
  const digest = append ? hash : createHash('sha256');
  let written = offset;
  // Chunks are written in batches of about 1 MiB (one writev instead of a write per 64 KiB chunk).
  // The batch is flushed before the file closes, even on abort, so every byte received before a
  // cancel is on disk and the next attempt resumes from exactly there; a kill -9 loses at most
  // the batch, and the partial file stays a prefix of the content either way.
  const batch: Buffer[] = [];
  let batchBytes = 0;
  // Data is synced to disk in the background as it arrives (a datasync per SYNC_EVERY_BYTES, never
  // more than one at a time), so the fsync before the rename into place finds little left to do.
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const flush = async () => {
    if (batchBytes === 0) return;
    await handle.writev(batch.splice(0));
    unsynced += batchBytes;
    batchBytes = 0;
    if (unsynced >= SYNC_EVERY_BYTES && !syncing) {
      unsynced = 0;
      syncing = handle.datasync().then(
        () => {
          syncing = undefined;
        },
        () => {
          syncing = undefined;
        },
      );
    }
  };
  const handle = await open(partial, append ? 'a' : 'w');
  const finish = async () => {
    try {
      await flush();
      await syncing;
    } finally {
      await handle.close();
    }
  };
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (written + chunk.length > source.size) {
        throw new PatchbayError(`${url} sent more than ${source.size} bytes`, {
          code: 'CONTENT_HASH_MISMATCH',
        });
      }
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES) await flush();
      written += chunk.length;
      session.transferred += chunk.length;
      digest.update(chunk);
      report(call, options, session, written, source.size);
      await throttle(options.maxBytesPerSecond, session, call.signal);
    }
  } catch (error) {
    // Stopped (cancel, network, bad data): the received bytes still go to disk, but in the
    // background, so a cancel returns as soon as the transfer stops; the next attempt on this
    // file waits for it (see `settling`).
    const settle = finish().catch(() => {});
    settling.set(partial, settle);
    void settle.finally(() => {
      if (settling.get(partial) === settle) settling.delete(partial);
    });
    throw error;
  }
  await finish();
  session.lastProgressAt = 0;
  report(call, options, session, written, source.size);
  return digest.digest('hex');
}

async function verifyAndPlace(
  partial: string,
  target: string,
  source: DownloadSource,
  digest: string,
  options: DownloaderOptions,
): Promise<void> {
  const size = await sizeOf(partial);
  if (size !== source.size || digest !== source.sha256) {
    throw new PatchbayError(
      `downloaded bytes do not match ${source.sha256} (${size} of ${source.size} bytes)`,
      {
        code: 'CONTENT_HASH_MISMATCH',
        details: { sha256: source.sha256, actual: digest, size },
      },
    );
  }
  if (source.signed && options.verifySignatures) {
    const signature = Buffer.from(source.signature ?? '', 'base64');
    if (!verifyDigest(source.sha256, signature, options.trustedPublicKeys)) {
      await rm(partial, { force: true });
      throw new PatchbayError(`the signature of ${source.sha256} does not verify with any trusted key`, {
        code: 'SIGNATURE_INVALID',
      });
    }
  }
  const handle = await open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, target);
}

function checkSignaturePolicy(source: DownloadSource, options: DownloaderOptions): void {
  if (source.signed && options.verifySignatures && !source.signature) {
    throw new PatchbayError(`update content ${source.sha256} is signed but came without its signature`, {
      code: 'SIGNATURE_MISSING',
    });
  }
}

function report(
  call: DownloadCall,
  options: DownloaderOptions,
  session: { transferred: number; startedAt: number; lastProgressAt: number },
  bytes: number,
  total: number,
): void {
  if (!call.onProgress) return;
  const now = Date.now();
  const interval = options.progressIntervalMs ?? 200;
  if (session.lastProgressAt !== 0 && now - session.lastProgressAt < interval && bytes < total) return;
  session.lastProgressAt = now;
  const seconds = Math.max(0.001, (now - session.startedAt) / 1000);
  call.onProgress({
    bytes,
    total,
    transferred: session.transferred,
    rate: Math.round(session.transferred / seconds),
  });
}

/** Waits while this session is ahead of the byte rate it may use (abortable, so cancel stays fast). */
async function throttle(
  rate: number | undefined,
  session: { transferred: number; startedAt: number },
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!rate) return;
  const ahead = (session.transferred / rate) * 1000 - (Date.now() - session.startedAt);
  if (ahead > 5) await sleep(ahead, signal);
}

async function hashInto(hash: Hash, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/** The file's size, or −1 when it does not exist. */
async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
