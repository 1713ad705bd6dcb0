import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../http/createApp.ts';
import { handlerTimeLimit } from '../../http/handlerTimeLimit.ts';

const test = suite('handlerTimeLimit');

/** Serves GET /slow, which answers { done: true } once `work` settles, behind a `ms` limit. */
async function serve(ms: number, work: (query: Record<string, unknown>) => Promise<unknown>, exempt = false) {
  const router = new Router();
  router.get('/slow', async (ctx) => {
    await work(ctx.query);
    ctx.body = { done: true };
  });
  const app = createApp({
    publicRouters: [router],
    adminRouters: [],
    limits: [handlerTimeLimit({ ms, exempt: () => exempt })],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Work that ends only when the test says so. */
function gate() {
  let open = () => {};
  let finished = false;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  }).then(() => {
    finished = true;
  });
  return { work: () => promise, open, finished: () => finished };
}

test('a handler past the limit is answered 408 REQUEST_TIMEOUT in the envelope, while it still runs', async () => {
  const handler = gate();
  const { url, close } = await serve(100, handler.work);
  // Should the limit not fire, the handler ends after 10 s and the checks below fail instead of hanging.
  const backstop = setTimeout(handler.open, 10_000);
  try {
    const response = await fetch(`${url}/slow`);
    assert.is(response.status, 408);
    assert.is(((await response.json()) as { error: { code: string } }).error.code, 'REQUEST_TIMEOUT');
    // The handler cannot finish before the test opens its gate, so the 408 was sent at the limit,
    // not after waiting for the handler (which a wall-clock bound could only suggest).
    assert.is(handler.finished(), false);
  } finally {
    clearTimeout(backstop);
    handler.open();
    await close();
  }
});

test('a handler within the limit answers normally', async () => {
  const { url, close } = await serve(10_000, () => new Promise((resolve) => setTimeout(resolve, 10)));
  try {
    assert.equal(await (await fetch(`${url}/slow`)).json(), { done: true });
  } finally {
    await close();
  }
});

test('an exempt request is not limited', async () => {
  const { url, close } = await serve(50, () => new Promise((resolve) => setTimeout(resolve, 200)), true);
  try {
    assert.is((await fetch(`${url}/slow`)).status, 200);
  } finally {
    await close();
  }
});

test('of requests in flight, one that finishes in between is answered; those before and after it time out in turn', async () => {
  const stuck = gate();
  const work = (query: Record<string, unknown>) =>
    query.fast === '1' ? new Promise((resolve) => setTimeout(resolve, 10)) : stuck.work();
  const { url, close } = await serve(150, work);
  const backstop = setTimeout(stuck.open, 10_000);
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  try {
    const first = fetch(`${url}/slow`);
    await pause();
    const second = fetch(`${url}/slow?fast=1`);
    await pause();
    const third = fetch(`${url}/slow`);
    const statuses = (await Promise.all([first, second, third])).map((response) => response.status);
    assert.equal(statuses, [408, 200, 408]);
    assert.is(stuck.finished(), false);
  } finally {
    clearTimeout(backstop);
    stuck.open();
    await close();
  }
});

test('a limit that is not a positive integer is a TypeError', () => {
  assert.throws(() => handlerTimeLimit({ ms: 0 }), TypeError);
  assert.throws(() => handlerTimeLimit({ ms: 1.5 }), TypeError);
});

test.run();
