import { createServer, type Server } from 'node:http';
import type Koa from 'koa';
import { CoalescedResponse } from './coalescedResponses.ts';

/** The request limits of a provider: the manual's SendTimeout and the slow-sender cut-offs. */
export interface RequestLimits {
  /** SendTimeout: most time to handle one request, in ms (default 60,000). */
  sendTimeoutMs?: number;
  /** Most time to receive a request's headers, in ms (default 20,000). */
  headersTimeoutMs?: number;
  /** Most time to receive a whole request, body included, in ms (default 3,600,000: large uploads). */
  requestTimeoutMs?: number;
  /** A connection silent for this long is closed, in ms (default 60,000). */
  idleTimeoutMs?: number;
}

// The largest value any limit takes (the manual's MaximumMessageSize bound, a 32-bit signed int).
const MAX_LIMIT = 2_147_483_647;

/** The limits with every default filled in; TypeError for a value out of range. */
export function resolveRequestLimits(limits: RequestLimits = {}): Required<RequestLimits> {
  const resolved = {
    sendTimeoutMs: limits.sendTimeoutMs ?? 60_000,
    headersTimeoutMs: limits.headersTimeoutMs ?? 20_000,
    requestTimeoutMs: limits.requestTimeoutMs ?? 3_600_000,
    idleTimeoutMs: limits.idleTimeoutMs ?? 60_000,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
      throw new TypeError(`Expected \`${name}\` to be an integer from 1 to ${MAX_LIMIT}, got \`${value}\``);
    }
  }
  return resolved;
}

/**
 * An HTTP server for `app` that cuts off slow or endless senders: headers must arrive within
 * `headersTimeoutMs`, the whole request within `requestTimeoutMs`, and a connection silent for
 * `idleTimeoutMs` is closed. Node checks the first two every `connectionsCheckingInterval`, so it is
 * set to a fraction of the shorter one to keep the cut-off close to the limit. Replies made in one
 * call go out together at the end of each event-loop turn ({@link CoalescedResponse}).
 *
 * @example const server = createLimitedServer(app, resolveRequestLimits()); server.listen(8092)
 */
export function createLimitedServer(app: Koa, limits: Required<RequestLimits>): Server {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(shortest / 4))),
      ServerResponse: CoalescedResponse,
    },
    app.callback(),
  );
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
