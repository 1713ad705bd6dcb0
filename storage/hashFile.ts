import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The SHA-256 (lower-case hex) and byte size of a file. */
export interface FileDigest {
  sha256: string;
  size: number;
}

// 1 MiB reads: large enough that hashing, not syscalls, dominates on big packages.
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Hashes a file by streaming it, so memory stays flat whatever the file size.
 * Rejects with the fs error (ENOENT, EISDIR, …) or an AbortError when `signal` aborts.
 *
 * @example const { sha256, size } = await hashFile('fixtures/packages/demo.tar.gz')
 */
export async function hashFile(path: string, options: { signal?: AbortSignal } = {}): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
