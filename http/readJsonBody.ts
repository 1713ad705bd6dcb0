import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { PatchbayError } from '../src/domain/PatchbayError.ts';

/** Limits on one JSON body. */
export interface JsonBodyLimits {
  /** Most bytes accepted (413 past it). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth?: number;
  /** Longest array accepted. */
  maxArrayLength?: number;
}

/**
 * Reads and parses a JSON request body under size, depth and array-length limits. Wrong media type
 * is 415, a body past `maxBytes` is 413 (checked against Content-Length before reading, and while
 * reading), bad JSON and limit breaches are 400 INVALID_REQUEST. An empty body reads as `{}`.
 */
export async function readJsonBody(ctx: Context, limits: JsonBodyLimits): Promise<unknown> {
  const length = ctx.request.length;
  if (length === 0 || (length === undefined && !ctx.request.get('transfer-encoding'))) return {};
  if (!isJson(ctx.req.headers['content-type']) && !ctx.request.is('application/json', '+json')) {
    throw new PatchbayError('send the body as application/json', { code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
  if (length !== undefined && length > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const bytes = await readBytes(ctx.req, limits.maxBytes);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PatchbayError('the body is not valid JSON', {
      code: 'INVALID_REQUEST',
      details: { field: '(body)' },
    });
  }
  checkShape(value, limits.maxDepth ?? 32, limits.maxArrayLength ?? 10_000);
  return value;
}

/** The header every agent sends, recognised without parsing; anything else goes through type-is. */
function isJson(contentType: string | undefined): boolean {
  return contentType === 'application/json' || contentType === 'application/json; charset=utf-8';
}

/**
 * The body's bytes, refused with 413 as soon as they pass `maxBytes` (the socket is paused, not
 * drained). Plain listeners rather than `for await`: the check-in reads one body per request, and the
 * async iterator's machinery was a few percent of the provider's CPU.
 */
function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: unknown) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', finish);
      req.off('close', onClose);
      if (error !== undefined) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () =>
      finish(Object.assign(new Error('the request closed before its body ended'), { code: 'ECONNRESET' }));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', finish);
    req.on('close', onClose);
  });
}

function tooLarge(maxBytes: number): PatchbayError {
  return new PatchbayError(`the body exceeds ${maxBytes} bytes`, {
    code: 'BODY_TOO_LARGE',
    details: { limit: maxBytes },
  });
}

function checkShape(value: unknown, maxDepth: number, maxArrayLength: number): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) {
      throw new PatchbayError(`the body nests deeper than ${maxDepth} levels`, {
        code: 'INVALID_REQUEST',
        details: { field: '(body)', maxDepth },
      });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    if (Array.isArray(node) && node.length > maxArrayLength) {
      throw new PatchbayError(`an array in the body has more than ${maxArrayLength} items`, {
        code: 'INVALID_REQUEST',
        details: { field: '(body)', maxArrayLength },
      });
    }
    // Only objects and arrays can nest further: leaves are not worth a stack entry each.
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}
