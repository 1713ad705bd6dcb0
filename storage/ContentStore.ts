import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PatchbayError } from '../src/domain/PatchbayError.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True when `text` is a lower-case SHA-256 in hex: the only thing ever turned into a content path. */
export function isSha256(text: string): boolean {
  return SHA256_HEX.test(text);
}

/** Bytes written to a temp file and hashed, not yet in the store: commit or discard it. */
export interface StagedContent {
  sha256: string;
  size: number;
  /** Moves the bytes into place under their hash (a no-op if the same content is already stored). */
  commit(): Promise<void>;
  /** Deletes the temp file. */
  discard(): Promise<void>;
}

/** Stored content opened for reading: its size fixed at open, and streams over the open file. */
export interface OpenContent {
  size: number;
  /** A stream of the bytes in [start, end] (inclusive); it closes the file when it ends. Call once. */
  stream(range?: { start: number; end: number }): Readable;
  /** Closes the file without streaming (HEAD, 304, 416). */
  close(): Promise<void>;
}

// Reads of 256 KiB: fewer syscalls and event-loop turns than the 64 KiB default when serving big files.
const SERVE_CHUNK_BYTES = 256 * 1024;

/**
 * Content-addressed package files under `<data>/content/<aa>/<sha256>`. Bytes are streamed to
 * `<data>/content/tmp/` while hashed, fsynced, and renamed into place only once complete and
 * verified, so a reader never sees a partial file and a crash leaves only a temp file behind.
 */
export class ContentStore {
  readonly root: string;
  readonly #tmp: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'content');
    this.#tmp = join(this.root, 'tmp');
  }

  /** Creates the folders and removes temp files a crash left behind. */
  async open(): Promise<void> {
    await rm(this.#tmp, { recursive: true, force: true });
    await mkdir(this.#tmp, { recursive: true });
  }

  /**
   * Streams `source` to a temp file while hashing it. Rejects with BODY_TOO_LARGE past `maxBytes`,
   * and with CONTENT_HASH_MISMATCH when `expectedSha256` is given and differs; no file is left then.
   */
  async stage(
    source: Readable,
    options: { maxBytes?: number; expectedSha256?: string } = {},
  ): Promise<StagedContent> {
    const tempPath = join(this.#tmp, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const sink = createWriteStream(tempPath, { flags: 'wx' });
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > maxBytes) {
              throw new PatchbayError(`the package exceeds ${maxBytes} bytes`, {
                code: 'BODY_TOO_LARGE',
                details: { limit: maxBytes },
              });
            }
            hash.update(chunk);
            yield chunk;
          }
        },
        sink,
      );
      await fsyncFile(tempPath);
    } catch (error) {
      // A source can fail while the sink's open is still under way; that open would create the file
      // after the rm below (seen under load). The sink is destroyed by now: wait until it is closed.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
      await rm(tempPath, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    if (options.expectedSha256 !== undefined && options.expectedSha256.toLowerCase() !== sha256) {
      await rm(tempPath, { force: true });
      throw new PatchbayError('the bytes do not match the declared sha256', {
        code: 'CONTENT_HASH_MISMATCH',
        details: { expected: options.expectedSha256, actual: sha256 },
      });
    }
    return {
      sha256,
      size,
      commit: async () => {
        const finalPath = this.pathOf(sha256);
        const folder = join(finalPath, '..');
        await mkdir(folder, { recursive: true });
        await rename(tempPath, finalPath);
        // The rename is durable only once its folder is synced: callers (update folders) delete
        // their source file after commit, so the bytes must survive a power cut from here on.
        await fsyncFile(folder, 'r');
      },
      discard: () => rm(tempPath, { force: true }),
    };
  }

  /** The path of stored content; throws TypeError unless `sha256` is 64 lower-case hex characters. */
  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw new TypeError(`Expected a sha256 of 64 hex characters, got \`${sha256}\``);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Size of stored content, or undefined when the hash is unknown (or not a hash). */
  async sizeOf(sha256: string): Promise<number | undefined> {
    if (!isSha256(sha256)) return undefined;
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  /** A stream of stored bytes in [start, end] (inclusive), like fs.createReadStream. */
  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), range);
  }

  /**
   * Opens stored content for serving, or undefined when the hash is unknown or not a hash (checked
   * before any path is built). The size and the bytes come from one open file, so content deleted
   * meanwhile is still served whole to whoever already opened it.
   */
  async openForRead(sha256: string): Promise<OpenContent | undefined> {
    if (!isSha256(sha256)) return undefined;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.pathOf(sha256), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      return {
        size,
        stream: (range) =>
          createReadStream('', {
            fd: handle,
            autoClose: true,
            highWaterMark: SERVE_CHUNK_BYTES,
            ...(range ?? {}),
          }),
        close: () => handle.close(),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Deletes stored content (no error if absent). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

async function fsyncFile(path: string, flags = 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
