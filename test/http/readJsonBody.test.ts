import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { errorMiddleware } from '../../http/errors.ts';
import { readJsonBody } from '../../http/readJsonBody.ts';

const test = suite('readJsonBody');
let server: Server;
let port = 0;

test.before(async () => {
  const app = new Koa();
  app.use(errorMiddleware(() => {}));
  app.use(async (ctx) => {
    ctx.body = { read: await readJsonBody(ctx, { maxBytes: 64 }) };
  });
  server = createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

test.after(() => {
  server.closeAllConnections();
  server.close();
});

/** Sends `chunks` as a chunked body (no Content-Length), one write each. */
async function sendChunked(chunks: string[], contentType = 'application/json') {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' },
  });
  const replied = once(req, 'response');
  // The server may answer 413 and stop reading before the last chunks: those writes can fail.
  req.on('error', () => {});
  for (const chunk of chunks) req.write(chunk);
  req.end();
  const [response] = (await replied) as [import('node:http').IncomingMessage];
  let text = '';
  for await (const part of response) text += part;
  return { status: response.statusCode, body: JSON.parse(text) as Record<string, unknown> };
}

test('a body that arrives in several chunks is joined and parsed', async () => {
  const reply = await sendChunked(['{"machine":', '{"id":"m1",', '"name":"é"}}']);
  assert.is(reply.status, 200);
  assert.equal(reply.body, { read: { machine: { id: 'm1', name: 'é' } } });
});

test('a streamed body that passes the limit without a Content-Length is 413 BODY_TOO_LARGE', async () => {
  const reply = await sendChunked(['{"padding":"', 'x'.repeat(40), 'x'.repeat(40), '"}']);
  assert.is(reply.status, 413);
  assert.is((reply.body.error as { code: string }).code, 'BODY_TOO_LARGE');
});

test('a JSON media type with parameters is accepted, another media type is 415', async () => {
  const json = await sendChunked(['{"a":1}'], 'application/merge-patch+json; charset=UTF-8');
  assert.equal(json.body, { read: { a: 1 } });
  const text = await sendChunked(['{"a":1}'], 'text/plain');
  assert.is(text.status, 415);
  assert.is((text.body.error as { code: string }).code, 'UNSUPPORTED_MEDIA_TYPE');
});

test.run();
