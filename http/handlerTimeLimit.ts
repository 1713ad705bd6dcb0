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
 * One timer serves every request: they all get the same `ms`, so the order they arrive in is the
 * order their limits run out, and the timer only ever waits for the oldest one still running. A
 * timer of its own per request (set, then cleared) cost a few µs of every check-in.
 *
 * @example app.use(handlerTimeLimit({ ms: 60_000, exempt: isStreamedUpload }))
 */
export function handlerTimeLimit(options: HandlerTimeLimitOptions): Middleware {
  if (!(Number.isInteger(options.ms) && options.ms > 0)) {
    throw new TypeError(`Expected \`ms\` to be a positive integer, got \`${options.ms}\``);
  }
  const running = new OldestFirst(options.ms);
  return (ctx, next) => {
    if (options.exempt?.(ctx)) return next();
    return new Promise<void>((resolve, reject) => {
      const request = running.add(() => {
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
      });
      // The handler may still settle after the timeout; its outcome no longer matters then.
      next().then(
        () => {
          running.delete(request);
          resolve();
        },
        (error: unknown) => {
          running.delete(request);
          reject(error);
        },
      );
    });
  };
}

interface Running {
  deadline: number;
  expire: () => void;
  older: Running | undefined;
  newer: Running | undefined;
}

/**
 * Requests under one limit, oldest first, and one timer for the oldest. A doubly linked list rather
 * than a Set: a Set's table is reallocated as it grows and shrinks around the requests in flight,
 * and those tables, outliving a scavenge, were ~5% of what a busy provider promoted to the old
 * generation (docs/performance.md). Linking and unlinking allocates nothing.
 */
class OldestFirst {
  readonly #ms: number;
  #oldest: Running | undefined;
  #newest: Running | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  add(expire: () => void): Running {
    const request: Running = {
      deadline: Date.now() + this.#ms,
      expire,
      older: this.#newest,
      newer: undefined,
    };
    if (this.#newest === undefined) this.#oldest = request;
    else this.#newest.newer = request;
    this.#newest = request;
    this.#timer ??= this.#wake(this.#ms);
    return request;
  }

  /** Unlinks `request`; a request already taken off (expired, or deleted before) is left alone. */
  delete(request: Running): void {
    const { older, newer } = request;
    if (older === undefined && newer === undefined && this.#oldest !== request) return;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    request.older = undefined;
    request.newer = undefined;
  }

  /** The timer for the oldest request; unref'd, since a running request's open socket keeps the process up. */
  #wake(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.#expire(), ms).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (let request = this.#oldest; request !== undefined; request = this.#oldest) {
      if (request.deadline > now) {
        this.#timer = this.#wake(request.deadline - now);
        return;
      }
      this.delete(request);
      request.expire();
    }
  }
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
