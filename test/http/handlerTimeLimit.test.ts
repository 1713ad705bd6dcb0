import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../http/createApp.ts';
import { handlerTimeLimit } from '../../http/handlerTimeLimit.ts';

const test = suite('handlerTimeLimit');

async function serve(ms: number, handlerMs: number, exempt = false) {
  const router = new Router();
  router.get('/slow', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, handlerMs));
    ctx.body = { done: true };
  });
  const app = createApp({
    publicRouters: [router],
    adminRouters: [],
    limits: [handlerTimeLimit({ ms, exempt: () => exempt })],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('a handler past the limit is answered 408 REQUEST_TIMEOUT in the envelope', async () => {
  const { url, close } = await serve(100, 1000);
  try {
    const started = Date.now();
    const response = await fetch(`${url}/slow`);
    assert.is(response.status, 408);
    assert.is(((await response.json()) as { error: { code: string } }).error.code, 'REQUEST_TIMEOUT');
    assert.ok(Date.now() - started < 900);
  } finally {
    close();
  }
});

test('a handler within the limit answers normally', async () => {
  const { url, close } = await serve(1000, 10);
  try {
    assert.equal(await (await fetch(`${url}/slow`)).json(), { done: true });
  } finally {
    close();
  }
});

test('an exempt request is not limited', async () => {
  const { url, close } = await serve(50, 200, true);
  try {
    assert.is((await fetch(`${url}/slow`)).status, 200);
  } finally {
    close();
  }
});

test('a limit that is not a positive integer is a TypeError', () => {
  assert.throws(() => handlerTimeLimit({ ms: 0 }), TypeError);
  assert.throws(() => handlerTimeLimit({ ms: 1.5 }), TypeError);
});

test.run();
