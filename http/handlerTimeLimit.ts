import type { Context, Middleware } from 'koa';
import { PatchbayError } from '../src/domain/PatchbayError.ts';

/** Options for {@link handlerTimeLimit}. */
export interface HandlerTimeLimitOptions {
  /** The manual's SendTimeout: most time from request start to a response (default 60 s). */
  ms: number;
  /** Requests the limit does not apply to (streamed uploads, bounded by idle and request timeouts instead). */
  exempt?: (ctx: Context) => boolean;
}

/** Multipart uploads carry packages of up to gigabytes; they are bounded by the server's idle and request timeouts. */
export function isStreamedUpload(ctx: Context): boolean {
  // Nearly every request is JSON: a look at the header spares them type-is's parsing.
  const type = ctx.req.headers['content-type'];
  if (type === undefined || !MULTIPART.test(type)) return false;
  return ctx.is('multipart/form-data') === 'multipart/form-data';
}

const MULTIPART = /^\s*multipart\//i;

/**
 * A time limit for every handler (the manual's SendTimeout). A request still unanswered after `ms`
 * — a slow sender trickling its body, or a stuck handler — is answered 408 REQUEST_TIMEOUT in the
 * error envelope, and its connection is closed once the answer is sent, so an endless sender is cut
 * off. A handler that returns a stream (content, event streams) is done when it returns: the limit
 * covers producing the response, not the client's download.
 *
 * @example app.use(handlerTimeLimit({ ms: 60_000, exempt: isStreamedUpload }))
 */
export function handlerTimeLimit(options: HandlerTimeLimitOptions): Middleware {
  if (!(Number.isInteger(options.ms) && options.ms > 0)) {
    throw new TypeError(`Expected \`ms\` to be a positive integer, got \`${options.ms}\``);
  }
  return async (ctx, next) => {
    if (options.exempt?.(ctx)) return next();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctx.set('Connection', 'close');
        // Whatever the client still sends is not wanted: drop the socket once the 408 is out.
        ctx.res.once('finish', () => {
          if (!ctx.req.complete) ctx.req.socket.destroy();
        });
        reject(
          new PatchbayError(`the request was not handled within ${options.ms} ms`, {
            code: 'REQUEST_TIMEOUT',
            details: { limitMs: options.ms },
          }),
        );
      }, options.ms);
    });
    const handling = next();
    // The handler may still settle after the timeout; its outcome no longer matters.
    handling.catch(() => {});
    try {
      await Promise.race([handling, expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Closes the connection after any answer sent before its request body was read (an early 401, 404
 * or 413): otherwise Node keeps draining the unread body, and a sender that never stops would hold
 * the connection for as long as it likes.
 */
export function closeUnreadRequests(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.req.complete && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
}
