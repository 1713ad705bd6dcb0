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
  if (!ctx.request.is('application/json', '+json')) {
    throw new PatchbayError('send the body as application/json', { code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
  if (length !== undefined && length > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxBytes) {
      ctx.req.pause();
      throw tooLarge(limits.maxBytes);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
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
    for (const child of children) stack.push([child, depth + 1]);
  }
}
