import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';

const test = suite('slow and endless senders');
let provider: TestProvider;

test.before(async () => {
  provider = await startTestProvider({
    limits: { sendTimeoutMs: 500, headersTimeoutMs: 400, idleTimeoutMs: 2000 },
  });
});
test.after(async () => {
  await provider.dispose();
});

/** Opens a raw socket, then resolves with everything the server sent and when it closed. */
function rawSocket(): Promise<{ socket: Socket; closed: Promise<{ text: string; at: number }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(provider.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    const closed = new Promise<{ text: string; at: number }>((done) =>
      socket.on('close', () => done({ text, at: Date.now() })),
    );
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): NodeJS.Timeout {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded) return clearInterval(timer);
    socket.write(text[index % text.length]!);
    index++;
  }, everyMs);
  return timer;
}

test('headers trickled one byte at a time are cut off after the headers timeout', async () => {
  const { socket, closed } = await rawSocket();
  const started = Date.now();
  const timer = trickle(
    socket,
    'GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    50,
  );
  const { at, text } = await closed;
  clearInterval(timer);
  assert.ok(at - started < 3000, `closed after ${at - started} ms`);
  assert.match(text, /^HTTP\/1\.1 408/);
});

test('a JSON body trickled forever is answered 408 REQUEST_TIMEOUT and the connection closed', async () => {
  const { socket, closed } = await rawSocket();
  const started = Date.now();
  socket.write(
    `POST /api/v1/config/users HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${provider.adminToken}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"name":"',
  );
  const timer = trickle(socket, 'a', 50);
  const { at, text } = await closed;
  clearInterval(timer);
  assert.ok(at - started < 3000, `closed after ${at - started} ms`);
  assert.match(text, /^HTTP\/1\.1 408/, text);
  assert.match(text, /"code":"REQUEST_TIMEOUT"/);
});

test('an answer sent before the body was read (404) closes the connection on an endless sender', async () => {
  const { socket, closed } = await rawSocket();
  const started = Date.now();
  socket.write(
    `PATCH /api/v1/updates/no-such-id HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${provider.adminToken}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"state":"',
  );
  const timer = trickle(socket, 'G', 20);
  const { at, text } = await closed;
  clearInterval(timer);
  assert.ok(at - started < 3000, `closed after ${at - started} ms`);
  assert.match(text, /^HTTP\/1\.1 404/);
});

test('a connection that sends nothing is closed after the idle timeout', async () => {
  const { closed } = await rawSocket();
  const started = Date.now();
  const { at } = await closed;
  assert.ok(at - started < 5000, `closed after ${at - started} ms`);
});

test('the provider still answers after the cut-offs', async () => {
  assert.is((await provider.anonymous('GET', '/healthz')).status, 200);
});

test.run();
