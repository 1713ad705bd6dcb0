import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the fake provider. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  raw?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer only once this settles: the test decides how long a request stays in flight. */
  heldUntil?: Promise<unknown>;
  /** Leave out Content-Length (chunked), to test streamed size limits. */
  chunked?: boolean;
}

/** A loopback stand-in for a provider's agent API: answers per path, records the bodies it got. */
export interface FakeProvider {
  url: string;
  received: { path: string; body: unknown }[];
  answers: Map<string, FakeAnswer>;
  close(): Promise<void>;
}

/** Starts it on 127.0.0.1:0. */
export async function startFakeProvider(answers: Record<string, FakeAnswer> = {}): Promise<FakeProvider> {
  const received: FakeProvider['received'] = [];
  const table = new Map(Object.entries(answers));
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    received.push({ path: req.url ?? '', body: text ? JSON.parse(text) : undefined });
    const answer = table.get(req.url ?? '') ?? {
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no' } },
    };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.heldUntil) await answer.heldUntil.catch(() => {});
    const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!answer.chunked) headers['content-length'] = Buffer.byteLength(payload);
    res.writeHead(answer.status ?? 200, headers);
    res.end(payload);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answers: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
