import Router from '@koa/router';
import type { Context } from 'koa';
import { ifNoneMatchHits, ifRangeAllowsPartial, parseRange } from '../../src/domain/httpRange.ts';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import type { ContentStore } from '../../storage/ContentStore.ts';

/** What the content route needs: a way to open stored bytes by hash. */
export interface ContentRoutesDeps {
  content: Pick<ContentStore, 'openForRead'>;
  /**
   * Who may read: called with the validated lower-case hash before the store is asked; throws to
   * refuse (the provider passes http/auth/contentAccess.ts: signed URLs). Without it content is open.
   */
  authorize?: (ctx: Context, sha256: string) => void;
}

// Checked on the raw parameter, before the content store (and so any path) is involved at all.
const SHA256_PARAM = /^[0-9a-fA-F]{64}$/;

/** A header's value, or undefined when absent (Koa reports an absent header as ''). */
function header(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/**
 * `GET`/`HEAD /content/<sha256>`: package bytes for agents (a public route guarded by signed URLs
 * through `authorize`). The ETag is the hash itself, since the bytes under a hash never change. One Range
 * is honoured (206, or 416 with `Content-Range: bytes *\/size`); several ranges are served whole;
 * `If-None-Match` gives 304 and `If-Range` keeps a resumed download consistent. Bytes are streamed
 * from one open file, never buffered whole. An unknown hash is 404 CONTENT_NOT_FOUND and anything
 * that is not 64 hex characters is 400 INVALID_REQUEST, decided before any path is built.
 *
 * @example createContentRouter({ content }) // GET /content/9f86…0a08 → 200 application/octet-stream
 */
export function createContentRouter(deps: ContentRoutesDeps): Router {
  const router = new Router();
  router.get('/content/:sha256', async (ctx) => {
    const raw = ctx.params.sha256!;
    if (!SHA256_PARAM.test(raw)) {
      throw new PatchbayError('content is addressed by a SHA-256 of 64 hex characters', {
        code: 'INVALID_REQUEST',
        details: { field: 'sha256' },
      });
    }
    const sha256 = raw.toLowerCase();
    deps.authorize?.(ctx, sha256);
    const opened = await deps.content.openForRead(sha256);
    if (!opened) {
      throw new PatchbayError(`no content is stored under ${sha256}`, {
        code: 'CONTENT_NOT_FOUND',
        details: { sha256 },
      });
    }
    const etag = `"${sha256}"`;
    ctx.set('ETag', etag);
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ifNoneMatchHits(header(ctx.get('If-None-Match')), etag)) {
      await opened.close();
      ctx.status = 304;
      return;
    }
    const range = ifRangeAllowsPartial(header(ctx.get('If-Range')), etag)
      ? parseRange(header(ctx.get('Range')), opened.size)
      : ({ kind: 'full' } as const);
    if (range.kind === 'unsatisfiable') {
      await opened.close();
      ctx.set('Content-Range', `bytes */${opened.size}`);
      throw new PatchbayError(`the range lies outside the ${opened.size} bytes of this content`, {
        code: 'RANGE_NOT_SATISFIABLE',
        details: { size: opened.size },
      });
    }
    const bounds = range.kind === 'partial' ? { start: range.start, end: range.end } : undefined;
    ctx.status = bounds ? 206 : 200;
    if (bounds) ctx.set('Content-Range', `bytes ${bounds.start}-${bounds.end}/${opened.size}`);
    ctx.type = 'application/octet-stream';
    if (ctx.method === 'HEAD') {
      await opened.close();
    } else {
      ctx.body = opened.stream(bounds);
    }
    ctx.length = bounds ? bounds.end - bounds.start + 1 : opened.size;
  });
  return router;
}
