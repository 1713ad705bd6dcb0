import { createServer, type RequestListener, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoalescedResponse } from '../../http/coalescedResponses.ts';

const test = suite('replies sent together (CoalescedResponse)');

async function serve(listener: RequestListener, coalesced = true): Promise<{ url: string; server: Server }> {
  const server = coalesced
    ? createServer({ ServerResponse: CoalescedResponse }, listener)
    : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

test('a whole reply is held until the turn ends, then sent as it would have been', async () => {
  const seen: Array<{ endedAtOnce: boolean; endedAfterTurn?: boolean }> = [];
  const listener: RequestListener = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Test': 'yes' });
    res.end('{"hello":"world"}');
    const note: (typeof seen)[number] = { endedAtOnce: res.writableEnded };
    seen.push(note);
    setImmediate(() => {
      note.endedAfterTurn = res.writableEnded;
    });
  };
  const coalesced = await serve(listener);
  const plain = await serve((req, res) => listener(req, res), false);
  try {
    const [held, direct] = await Promise.all([fetch(coalesced.url), fetch(plain.url)]);
    assert.is(await held.text(), '{"hello":"world"}');
    assert.is(await direct.text(), '{"hello":"world"}');
    assert.is(held.status, 200);
    for (const name of ['content-type', 'x-test', 'content-length', 'connection']) {
      assert.is(held.headers.get(name), direct.headers.get(name), name);
    }
    // The coalescing server's reply was not ended in the handler's turn, the plain one's was.
    assert.equal(seen.map((note) => note.endedAtOnce).sort(), [false, true]);
    assert.equal(
      seen.map((note) => note.endedAfterTurn),
      [true, true],
    );
  } finally {
    await close(coalesced.server);
    await close(plain.server);
  }
});

test("end's callback and 'finish' still come, after the handler returned", async () => {
  const events: string[] = [];
  let callbackCame!: () => void;
  const called = new Promise<void>((resolve) => {
    callbackCame = resolve;
  });
  const { url, server } = await serve((_req, res) => {
    res.on('finish', () => events.push('finish'));
    res.end('done', () => {
      events.push('callback');
      callbackCame();
    });
    events.push('returned');
  });
  try {
    assert.is(await (await fetch(url)).text(), 'done');
    await called;
    assert.equal(events, ['returned', 'finish', 'callback']);
  } finally {
    await close(server);
  }
});

test('a streamed reply (written before end) is not held, and keeps its order', async () => {
  let endedAtOnce: boolean | undefined;
  const { url, server } = await serve((_req, res) => {
    res.write('one,');
    res.write('two,');
    res.end('three');
    endedAtOnce = res.writableEnded;
  });
  try {
    assert.is(await (await fetch(url)).text(), 'one,two,three');
    assert.is(endedAtOnce, true);
  } finally {
    await close(server);
  }
});

test('replies of one turn go out in the order they were made', async () => {
  const order: number[] = [];
  let next = 0;
  const { url, server } = await serve((_req, res) => {
    const n = next++;
    res.on('finish', () => order.push(n));
    res.end(String(n));
  });
  try {
    const bodies = await Promise.all(Array.from({ length: 20 }, () => fetch(url).then((r) => r.text())));
    assert.equal(
      bodies.map(Number).sort((a, b) => a - b),
      [...Array(20).keys()],
    );
    assert.equal(
      order,
      [...order].sort((a, b) => a - b),
    );
  } finally {
    await close(server);
  }
});

test('it is a ServerResponse, so Koa and on-finished treat it as one', () => {
  assert.ok(CoalescedResponse.prototype instanceof ServerResponse);
});

test.run();
