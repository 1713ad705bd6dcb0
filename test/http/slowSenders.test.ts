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

/** Opens a raw socket, then resolves with it and a promise of everything the server sent once it closed. */
function rawSocket(): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(provider.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    const closed = new Promise<string>((done) => socket.on('close', () => done(text)));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * What the server sent before it closed the connection. The limits under test are all below
 * 2.5 s; a sender that trickles or idles never ends by itself, so a close at all is the server's
 * cut-off. The deadline only turns a missing cut-off into a failure instead of a hang, far above
 * the limits so that a loaded machine does not reach it (no timing is asserted). The socket and
 * the trickle timer go in any case.
 */
async function serverCloses(socket: Socket, closed: Promise<string>, trickling?: NodeJS.Timeout) {
  let deadline: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      closed,
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error('the server never closed the connection')), 15_000);
      }),
    ]);
  } finally {
    clearTimeout(deadline);
    clearInterval(trickling);
    socket.destroy();
  }
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
  const timer = trickle(
    socket,
    'GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    50,
  );
  const text = await serverCloses(socket, closed, timer);
  assert.match(text, /^HTTP\/1\.1 408/);
});

test('a JSON body trickled forever is answered 408 REQUEST_TIMEOUT and the connection closed', async () => {
  const { socket, closed } = await rawSocket();
  socket.write(
    `POST /api/v1/config/users HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${provider.adminToken}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"name":"',
  );
  const text = await serverCloses(socket, closed, trickle(socket, 'a', 50));
  assert.match(text, /^HTTP\/1\.1 408/, text);
  assert.match(text, /"code":"REQUEST_TIMEOUT"/);
});

test('an answer sent before the body was read (404) closes the connection on an endless sender', async () => {
  const { socket, closed } = await rawSocket();
  socket.write(
    `PATCH /api/v1/updates/no-such-id HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${provider.adminToken}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"state":"',
  );
  const text = await serverCloses(socket, closed, trickle(socket, 'G', 20));
  assert.match(text, /^HTTP\/1\.1 404/);
});

test('a connection that sends nothing is closed after the idle timeout', async () => {
  const { socket, closed } = await rawSocket();
  await serverCloses(socket, closed);
});

test('the provider still answers after the cut-offs', async () => {
  assert.is((await provider.anonymous('GET', '/healthz')).status, 200);
});

test.run();
