import type { Context } from 'koa';

/** An open Server-Sent Events response. */
export interface EventStream {
  /** Sends one event; `data` is written as one JSON line. */
  send(event: string, data: unknown, id?: number | string): void;
  /** Runs `cleanup` once when the client goes away or the stream ends. */
  onClose(cleanup: () => void): void;
  /** True once the client has gone away. */
  readonly closed: boolean;
}

/** Options for {@link openEventStream}. */
export interface EventStreamOptions {
  /** How often to write a `: heartbeat` comment so proxies and browsers keep the stream open. */
  heartbeatMs: number;
  /** Reconnect delay the browser should use, sent as the `retry:` field. */
  retryMs?: number;
}

/**
 * Turns a Koa response into a `text/event-stream`: sets the headers, disables socket timeouts,
 * writes heartbeats, and cleans up (timer, subscriptions) when the client disconnects.
 *
 * @example const stream = openEventStream(ctx, { heartbeatMs: 15_000 }); stream.send('inspection', record, record.seq)
 */
export function openEventStream(ctx: Context, options: EventStreamOptions): EventStream {
  const { res } = ctx;
  const cleanups: Array<() => void> = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (!res.writableEnded) res.end();
  };
  const write = (text: string): void => {
    if (!closed) res.write(text);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);

  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setKeepAlive(true);
  ctx.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // Tells nginx-like proxies not to buffer the stream.
    'X-Accel-Buffering': 'no',
  });
  // Koa would pipe a stream body and report the client's normal disconnect as an app error;
  // an event stream is written to the socket directly and ends when the client leaves.
  ctx.respond = false;
  res.writeHead(200);
  res.on('close', close);
  res.on('error', close);
  write(`retry: ${options.retryMs ?? 2000}\n\n`);

  return {
    send(event, data, id) {
      const idLine = id === undefined ? '' : `id: ${id}\n`;
      write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    get closed() {
      return closed;
    },
  };
}
