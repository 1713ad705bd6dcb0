import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RawHttpClient } from '../../bench/rawHttpClient.ts';

const test = suite("the fleet simulator's HTTP client (bench/rawHttpClient.ts)");

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('sends method, path, headers and body; reads status and body; reuses its connections', async () => {
  const sockets = new Set<unknown>();
  const { server, url } = await serve((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const reply = JSON.stringify({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        body,
      });
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(reply),
      });
      res.end(reply);
    });
  });
  const client = new RawHttpClient(url, 2);
  try {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.request({
          method: 'POST',
          path: `/p${i}`,
          headers: { authorization: `Machine m${i}:s`, 'content-type': 'application/json' },
          body: `{"n":${i},"text":"é ✓"}`,
        }),
      ),
    );
    replies.forEach((reply, i) => {
      assert.is(reply.statusCode, 200);
      assert.equal(JSON.parse(reply.text), {
        method: 'POST',
        url: `/p${i}`,
        auth: `Machine m${i}:s`,
        body: `{"n":${i},"text":"é ✓"}`,
      });
    });
    const missing = await client.request({ method: 'GET', path: '/missing' });
    assert.is(missing.statusCode, 404);
    assert.is(sockets.size, 2, 'two keep-alive connections carried all 21 requests');
  } finally {
    client.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('a reply it cannot frame (chunked) is an error, and a closed connection is reopened', async () => {
  const { server, url } = await serve((req, res) => {
    if (req.url === '/chunked') {
      res.write('part');
      res.end();
      return;
    }
    if (req.url === '/close') {
      res.writeHead(200, { connection: 'close', 'content-length': '2' });
      res.end('ok');
      return;
    }
    res.writeHead(200, { 'content-length': '4' });
    res.end('fine');
  });
  const client = new RawHttpClient(url, 1);
  try {
    try {
      await client.request({ method: 'GET', path: '/chunked' });
      assert.unreachable('a chunked reply is refused');
    } catch (error) {
      assert.match(String(error), /no Content-Length/);
    }
    assert.equal(await client.request({ method: 'GET', path: '/close' }), { statusCode: 200, text: 'ok' });
    assert.equal(await client.request({ method: 'GET', path: '/' }), { statusCode: 200, text: 'fine' });
  } finally {
    client.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('destroy fails the requests in flight and those waiting for a connection', async () => {
  const { server, url } = await serve(() => {
    // Never answers.
  });
  const client = new RawHttpClient(url, 1);
  try {
    const inFlight = client.request({ method: 'GET', path: '/a' });
    const waiting = client.request({ method: 'GET', path: '/b' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.destroy();
    const settled = await Promise.allSettled([inFlight, waiting]);
    assert.equal(
      settled.map((result) => result.status),
      ['rejected', 'rejected'],
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test.run();
