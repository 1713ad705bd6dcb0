import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** How the test server misbehaves, per request. */
export interface ContentServerOptions {
  /** Answer 200 with the whole body even when a Range is asked. */
  ignoreRange?: boolean;
  /** Answer 503 to the first N requests. */
  failFirst?: number;
  /** Send this many bytes of the body, then hang until the client goes away. */
  stallAfter?: number;
}

/** A loopback HTTP server serving byte buffers by path, with Range support; records every request. */
export interface ContentServer {
  url: string;
  requests: { path: string; range?: string }[];
  options: ContentServerOptions;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1:0. `files` maps a path (`/content/<sha>`) to its bytes. */
export async function startContentServer(
  files: Map<string, Buffer>,
  options: ContentServerOptions = {},
): Promise<ContentServer> {
  const requests: ContentServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? '', range: req.headers.range });
    if ((state.options.failFirst ?? 0) >= requests.length) {
      res.writeHead(503).end();
      return;
    }
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match && !state.options.ignoreRange) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': body.length - start,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const slice = body.subarray(start);
    const stallAfter = state.options.stallAfter;
    if (stallAfter !== undefined && stallAfter < slice.length) {
      res.write(slice.subarray(0, stallAfter));
      return;
    }
    res.end(slice);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const state = { options };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get options() {
      return state.options;
    },
    set options(next) {
      state.options = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback CONNECT proxy that requires `Proxy-Authorization: Basic user:password` when given. */
export interface ProxyServer {
  url: string;
  connects: { target: string; authorization?: string }[];
  close(): Promise<void>;
}

/** Starts a tunnelling proxy on 127.0.0.1:0. */
export async function startConnectProxy(credentials?: {
  user: string;
  password: string;
}): Promise<ProxyServer> {
  const connects: ProxyServer['connects'] = [];
  const sockets = new Set<Socket>();
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
    : undefined;
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const authorization = req.headers['proxy-authorization'];
    connects.push({ target: req.url ?? '', authorization });
    if (expected && authorization !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
