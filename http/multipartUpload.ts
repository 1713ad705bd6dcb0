import busboy from 'busboy';
import type { Context } from 'koa';
import { PatchbayError } from '../src/domain/PatchbayError.ts';
import type { ContentStore, StagedContent } from '../storage/ContentStore.ts';

/** What an update upload carried: the manifest text, the staged file, and the signature part's bytes as sent (a .sig file). */
export interface ParsedUpload {
  manifestText?: string;
  signature?: Buffer;
  file?: { fileName: string; staged: StagedContent };
}

const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Streams a multipart upload: the `manifest` part (JSON text), the optional `signature` part, and
 * the `file` part, which goes straight to a temp file in the content store while it is hashed, never
 * buffered whole. Past `maxBytes` the upload is 413 and the temp file is gone. The caller must
 * commit or discard `file.staged`.
 */
export async function parseMultipartUpload(
  ctx: Context,
  content: ContentStore,
  maxBytes: number,
): Promise<ParsedUpload> {
  if (!ctx.request.is('multipart/form-data')) {
    throw new PatchbayError('send the update as multipart/form-data with manifest and file parts', {
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  }
  const length = ctx.request.length;
  if (length !== undefined && length > maxBytes + MAX_FIELD_BYTES * 2) {
    throw new PatchbayError(`the upload exceeds ${maxBytes} bytes`, {
      code: 'BODY_TOO_LARGE',
      details: { limit: maxBytes },
    });
  }
  const result: ParsedUpload = {};
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      limits: { files: 3, fields: 4, fieldSize: MAX_FIELD_BYTES, parts: 6 },
    });
  } catch (cause) {
    throw new PatchbayError('the multipart body is malformed', {
      code: 'INVALID_REQUEST',
      cause,
      details: { field: '(body)' },
    });
  }
  const staging: Promise<void>[] = [];
  const done = new Promise<void>((resolve, reject) => {
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        reject(
          new PatchbayError(`the ${name} part is too large`, {
            code: 'INVALID_REQUEST',
            details: { field: name },
          }),
        );
      } else if (name === 'manifest') result.manifestText = value;
      else if (name === 'signature') result.signature = Buffer.from(value, 'utf8');
    });
    parser.on('file', (name, stream, info) => {
      if (name === 'manifest') {
        staging.push(
          readSmallPart(stream).then((bytes) => {
            result.manifestText = bytes.toString('utf8');
          }),
        );
        return;
      }
      if (name === 'signature') {
        staging.push(
          readSmallPart(stream).then((bytes) => {
            result.signature = bytes;
          }),
        );
        return;
      }
      if (name !== 'file') {
        stream.resume();
        return;
      }
      staging.push(
        content.stage(stream, { maxBytes }).then((staged) => {
          result.file = { fileName: safeFileName(info.filename), staged };
        }),
      );
    });
    parser.on('error', (cause) =>
      reject(
        new PatchbayError('the multipart body is malformed', {
          code: 'INVALID_REQUEST',
          cause,
          details: { field: '(body)' },
        }),
      ),
    );
    parser.on('close', resolve);
  });
  ctx.req.pipe(parser);
  try {
    await done;
    const settled = await Promise.allSettled(staging);
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  } catch (error) {
    ctx.req.unpipe(parser);
    ctx.req.resume();
    await Promise.allSettled(staging);
    await result.file?.staged.discard();
    throw error;
  }
  return result;
}

async function readSmallPart(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FIELD_BYTES) {
      throw new PatchbayError('a manifest or signature part is too large', { code: 'INVALID_REQUEST' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Keeps only the base name of a client-supplied file name, so no path ever comes from a client. */
function safeFileName(name: string | undefined): string {
  const base =
    (name ?? '')
      .split(/[\\/]/)
      .pop()
      ?.replace(/[^\w.\- ()+]/g, '_') ?? '';
  return base.length > 0 && base !== '.' && base !== '..' ? base.slice(0, 200) : 'package.bin';
}
