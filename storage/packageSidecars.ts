import { open } from 'node:fs/promises';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import { manifestNameFor, signatureNameFor } from '../src/domain/packageFiles.ts';
import { MAX_SIGNATURE_FILE_BYTES } from '../src/domain/signatureFile.ts';

/** Manifests are small JSON documents; anything larger is refused before it is buffered. */
export const MAX_MANIFEST_FILE_BYTES = 64 * 1024;

/**
 * Reads the bytes of `<packagePath>.sig`, or undefined when there is none.
 * Throws SIGNATURE_INVALID for a file too large to be a signature (it is never read whole).
 */
export async function readSignatureSidecar(packagePath: string): Promise<Buffer | undefined> {
  const bytes = await readBounded(signatureNameFor(packagePath), MAX_SIGNATURE_FILE_BYTES);
  if (bytes === 'too-large') {
    throw new PatchbayError(`signature file is larger than ${MAX_SIGNATURE_FILE_BYTES} bytes`, {
      code: 'SIGNATURE_INVALID',
      details: { reason: 'malformed' },
    });
  }
  return bytes;
}

/**
 * Reads and JSON-parses `<packagePath>.manifest.json`, or undefined when there is none. The result
 * is unvalidated: pass it to parseManifest. Throws INVALID_MANIFEST for oversized or non-JSON text.
 */
export async function readManifestSidecar(packagePath: string): Promise<unknown> {
  const bytes = await readBounded(manifestNameFor(packagePath), MAX_MANIFEST_FILE_BYTES);
  if (bytes === undefined) return undefined;
  if (bytes === 'too-large') {
    throw new PatchbayError(`manifest is larger than ${MAX_MANIFEST_FILE_BYTES} bytes`, {
      code: 'INVALID_MANIFEST',
    });
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new PatchbayError('manifest is not valid JSON', { code: 'INVALID_MANIFEST', cause });
  }
}

/** Reads at most `limit` bytes; 'too-large' when the file holds more, undefined when it is absent. */
async function readBounded(path: string, limit: number): Promise<Buffer | 'too-large' | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // Read one byte past the limit: that is how "larger than" is seen without trusting stat.
    const buffer = Buffer.alloc(limit + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled > limit ? 'too-large' : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
