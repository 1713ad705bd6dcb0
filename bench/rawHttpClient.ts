/**
 * A small HTTP/1.1 client for the fleet simulator's load generator: keep-alive connections over
 * plain sockets, one request at a time on each, replies read by Content-Length. The generator shares
 * the 2-core machine with the provider it measures, and undici's per-request work (~50 µs here) took
 * a third of a core at 5,000 requests/s, CPU the provider's background threads then lacked. This
 * does the same on the wire for a fraction of that. Bench-only: it speaks just what the provider
 * answers (no chunked replies, no redirects, no TLS), and anything else is an error, not a guess.
 *
 * @example const client = new RawHttpClient('http://127.0.0.1:8092', 64); await client.request({ method: 'GET', path: '/' })
 */
import { connect, type Socket } from 'node:net';

/** One request: the body is sent with its Content-Length. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A reply: status and the body as text. */
export interface RawReply {
  statusCode: number;
  text: string;
}

interface Pending {
  head: string;
  body: Buffer | undefined;
  resolve: (reply: RawReply) => void;
  reject: (error: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection; `send` is only called while it is idle. */
class Connection {
  #socket: Socket | undefined;
  #pending: Pending | undefined;
  #buffered: Buffer = Buffer.alloc(0);
  readonly #host: string;
  readonly #port: number;
  readonly #onIdle: (connection: Connection) => void;

  constructor(host: string, port: number, onIdle: (connection: Connection) => void) {
    this.#host = host;
    this.#port = port;
    this.#onIdle = onIdle;
  }

  send(pending: Pending): void {
    this.#pending = pending;
    const socket = this.#socket ?? this.#open();
    if (pending.body === undefined) socket.write(pending.head);
    else {
      socket.cork();
      socket.write(pending.head);
      socket.write(pending.body);
      socket.uncork();
    }
  }

  /** Closes the socket; a request still waiting for its reply fails. */
  destroy(): void {
    this.close();
    this.#fail(new Error('the client was closed'));
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#buffered = Buffer.alloc(0);
    socket?.destroy();
  }

  #open(): Socket {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    const lost = (error?: Error) => {
      // A socket closed by us (or replaced) carries nothing any more.
      if (this.#socket !== socket) return;
      this.close();
      this.#fail(error ?? new Error('connection closed before the reply'));
    };
    socket.on('error', lost);
    socket.on('end', () => lost());
    socket.on('close', () => lost());
    this.#socket = socket;
    return socket;
  }

  #onData(chunk: Buffer): void {
    if (this.#pending === undefined) {
      // Bytes nobody asked for: the connection is out of step, so it is not used again.
      this.close();
      return;
    }
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const headerEnd = this.#buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffered.toString('latin1', 0, headerEnd);
    const statusCode = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length === null || Number.isNaN(statusCode)) {
      this.close();
      this.#fail(new Error(`unsupported reply (no Content-Length): ${head.slice(0, 200)}`));
      return;
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.#buffered.length < bodyEnd) return;
    const text = this.#buffered.toString('utf8', bodyStart, bodyEnd);
    if (this.#buffered.length > bodyEnd) {
      this.close();
      this.#fail(new Error('bytes after the reply on an idle connection'));
      return;
    }
    this.#buffered = Buffer.alloc(0);
    const pending = this.#pending;
    this.#pending = undefined;
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    this.#onIdle(this);
    pending?.resolve({ statusCode, text });
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      this.#onIdle(this);
      pending.reject(error);
    }
  }
}

/** A fixed set of keep-alive connections to one origin; requests wait for a free one. */
export class RawHttpClient {
  readonly #host: string;
  readonly #idle: Connection[] = [];
  readonly #all: Connection[] = [];
  readonly #waiting: Pending[] = [];
  #closed = false;

  constructor(origin: string, connections: number) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new TypeError(`Expected an http: origin, got \`${origin}\``);
    this.#host = url.host;
    const onIdle = (connection: Connection) => {
      if (this.#closed) return;
      const next = this.#waiting.shift();
      if (next) connection.send(next);
      else this.#idle.push(connection);
    };
    for (let i = 0; i < connections; i++) {
      const connection = new Connection(url.hostname, Number(url.port || 80), onIdle);
      this.#all.push(connection);
      this.#idle.push(connection);
    }
  }

  /** Sends `request` on a free connection (or once one is free) and resolves with its reply. */
  request(request: RawRequest): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error('the client was closed'));
        return;
      }
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
      for (const [name, value] of Object.entries(request.headers ?? {})) head += `${name}: ${value}\r\n`;
      if (body !== undefined) head += `content-length: ${body.length}\r\n`;
      head += '\r\n';
      const pending: Pending = { head, body, resolve, reject };
      const connection = this.#idle.pop();
      if (connection) connection.send(pending);
      else this.#waiting.push(pending);
    });
  }

  /** Closes every connection; requests in flight or waiting fail. */
  destroy(): void {
    this.#closed = true;
    for (const pending of this.#waiting.splice(0)) pending.reject(new Error('the client was closed'));
    for (const connection of this.#all) connection.destroy();
  }
}
