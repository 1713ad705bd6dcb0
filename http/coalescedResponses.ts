import { type IncomingMessage, ServerResponse } from 'node:http';

/** Responses ended during this turn of the event loop, with their `end` arguments, in order. */
const due: Array<{ response: ServerResponse; args: unknown[] }> = [];

function flush(): void {
  for (const { response, args } of due.splice(0)) {
    Reflect.apply(ServerResponse.prototype.end, response, args);
  }
}

/**
 * Whether part of a reply went out: Node's `_headerSent`, set by the first write (`headersSent` is
 * already true once `writeHead` has only formatted the headers).
 */
function started(response: ServerResponse): boolean {
  return (response as unknown as { _headerSent?: boolean })._headerSent ?? response.headersSent;
}

/**
 * A server response whose whole-response `end(body)` is sent with the others of the same event-loop
 * turn, after it (in the check phase), instead of at once.
 *
 * Why: sending a reply wakes the client; when the client's CPU sleeps, waking it is a cross-CPU
 * interrupt that the sending write pays for. On a 2-core VM it made one `writev` of a small reply
 * cost ~25 µs, the largest single item of a busy provider's profile; sent back to back, the
 * replies after the first find the client awake and cost ~5 µs (docs/performance.md, "Replies
 * sent together"). A reply waits at most for the rest of the turn it was made in: the requests
 * that were ready with it.
 *
 * Only a reply made in one call is held: once part of it has been written (a streamed download),
 * `end` goes out as usual, so streams keep their order and pace.
 *
 * @example createServer({ ServerResponse: CoalescedResponse }, app.callback())
 */
export class CoalescedResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  override end(...args: unknown[]): this {
    if (started(this) || this.writableEnded || this.destroyed) {
      return Reflect.apply(ServerResponse.prototype.end, this, args) as this;
    }
    if (due.length === 0) setImmediate(flush);
    due.push({ response: this, args });
    return this;
  }
}
