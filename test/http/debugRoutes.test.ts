import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';
import { type DebugServer, startDebugServer } from '../support/debugServer.ts';

const AT = '2024-05-01T12:00:00.000Z';
const GA = 'updateLifecycle.catalog.state.GA';

interface SseReader {
  /** Reads until `text` has appeared in the stream (or fails after 10 s); returns everything so far. */
  until(text: string): Promise<string>;
  close(): void;
}

async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ response: Response } & SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, {
    signal: abort.signal,
    headers: { accept: 'text/event-stream', ...headers },
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  return {
    response,
    async until(text) {
      // Generous: it only ends a wait for text that never comes (the 50 ms heartbeats keep reads returning).
      const deadline = Date.now() + 10_000;
      while (!received.includes(text)) {
        if (Date.now() > deadline)
          throw new Error(`no "${text}" in SSE stream; got ${JSON.stringify(received)}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`SSE stream ended without "${text}"; got ${JSON.stringify(received)}`);
        received += decoder.decode(value, { stream: true });
      }
      return received;
    },
    close: () => abort.abort(),
  };
}

/** The `data:` payloads of complete `inspection` events in an SSE text. */
function inspectionFrames(text: string): Array<{ id: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((frame) => frame.includes('event: inspection'))
    .map((frame) => {
      const lines = frame.split('\n');
      const id = lines.find((line) => line.startsWith('id: '))!.slice(4);
      const data = JSON.parse(lines.find((line) => line.startsWith('data: '))!.slice(6));
      return { id, data };
    });
}

const test = suite('createDebugRouter');
let server: DebugServer;

test.before.each(async () => {
  server = await startDebugServer({ heartbeatMs: 50 });
  server.inspector.spawn('updateLifecycle', 'u-live-1', { updateId: 'u-live-1' });
  server.inspector.persist({
    kind: 'updateLifecycle',
    id: 'u-stored-2',
    value: { catalog: { state: 'Inactive', priority: 'high' } },
    context: { updateId: 'u-stored-2', wasEverGA: true },
    status: 'active',
  });
});

test.after.each(async () => {
  await server.close();
});

test('GET /debug/machines returns every registered machine with its definition and graph', async () => {
  const response = await fetch(`${server.url}/debug/machines`);
  assert.is(response.status, 200);
  const body = (await response.json()) as {
    machines: Array<{
      name: string;
      id: string;
      definition: { id: string; states: object };
      graph: { nodes: unknown[]; edges: unknown[] };
    }>;
  };
  assert.equal(
    body.machines.map((machine) => machine.name),
    Object.keys(MACHINES),
  );
  const lifecycle = body.machines.find((machine) => machine.name === 'updateLifecycle')!;
  assert.is(lifecycle.definition.id, 'updateLifecycle');
  assert.equal(Object.keys(lifecycle.definition.states), ['catalog', 'deleted']);
  assert.is(lifecycle.graph.nodes.length, 11);
  assert.ok(lifecycle.graph.edges.length > 0);
});

test('GET /debug/machines/:name/chart.svg returns the chart as SVG; an unknown name is 404', async () => {
  const response = await fetch(`${server.url}/debug/machines/updateLifecycle/chart.svg`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type')!, 'image/svg+xml');
  const svg = await response.text();
  assert.ok(svg.startsWith('<svg '));
  assert.ok(svg.includes(`data-state-id="${GA}"`));
  const missing = await fetch(`${server.url}/debug/machines/nope/chart.svg`);
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
});

test('GET /debug/actors lists live and persisted actors, filtered by kind and search', async () => {
  const all = (await (await fetch(`${server.url}/debug/actors?kind=updateLifecycle`)).json()) as {
    actors: unknown[];
  };
  assert.equal(all.actors, [
    { kind: 'updateLifecycle', id: 'u-live-1', live: true },
    { kind: 'updateLifecycle', id: 'u-stored-2', live: false },
  ]);
  const searched = (await (await fetch(`${server.url}/debug/actors?search=u-stored`)).json()) as {
    actors: unknown[];
  };
  assert.equal(searched.actors, [{ kind: 'updateLifecycle', id: 'u-stored-2', live: false }]);
  const otherKind = (await (await fetch(`${server.url}/debug/actors?kind=fleetMember`)).json()) as {
    actors: unknown[];
  };
  assert.equal(otherKind.actors, []);
});

test('GET /debug/actors with a bad limit is 400 INVALID_REQUEST naming the field', async () => {
  const response = await fetch(`${server.url}/debug/actors?limit=0`);
  assert.is(response.status, 400);
  const body = (await response.json()) as { error: { code: string; details: { field: string } } };
  assert.is(body.error.code, 'INVALID_REQUEST');
  assert.is(body.error.details.field, 'limit');
});

test('GET /debug/actors/:kind/:id returns snapshot, active state ids and recent events', async () => {
  server.inspector.send('updateLifecycle', 'u-live-1', { type: 'MARK_GA', at: AT });
  const response = await fetch(`${server.url}/debug/actors/updateLifecycle/u-live-1`);
  assert.is(response.status, 200);
  const body = (await response.json()) as {
    actor: { value: unknown; context: { wasEverGA: boolean }; status: string; activeStateIds: string[] };
    events: Array<{ seq: number; type: string; event?: { type: string }; activeStateIds?: string[] }>;
  };
  assert.equal(body.actor.value, { catalog: { state: 'GA', priority: 'normal' } });
  assert.is(body.actor.context.wasEverGA, true);
  assert.is(body.actor.status, 'active');
  assert.ok(body.actor.activeStateIds.includes(GA));
  assert.equal(
    body.events.map((record) => record.type),
    ['event', 'snapshot'],
  );
  assert.is(body.events[0]!.event!.type, 'MARK_GA');
  assert.ok(body.events[1]!.activeStateIds!.includes(GA));
});

test('GET /debug/actors/:kind/:id for a persisted actor highlights its stored state', async () => {
  const body = (await (await fetch(`${server.url}/debug/actors/updateLifecycle/u-stored-2`)).json()) as {
    actor: { activeStateIds: string[] };
    events: unknown[];
  };
  assert.ok(body.actor.activeStateIds.includes('updateLifecycle.catalog.priority.high'));
  assert.equal(body.events, []);
});

test('GET /debug/actors/:kind/:id for an unknown actor is 404 ACTOR_NOT_FOUND', async () => {
  const response = await fetch(`${server.url}/debug/actors/updateLifecycle/nobody`);
  assert.is(response.status, 404);
  const body = (await response.json()) as { error: { code: string; details: unknown } };
  assert.is(body.error.code, 'ACTOR_NOT_FOUND');
  assert.equal(body.error.details, { kind: 'updateLifecycle', id: 'nobody' });
});

test('the events stream is text/event-stream and frames each record of that actor only', async () => {
  server.inspector.spawn('updateLifecycle', 'u-other', { updateId: 'u-other' });
  const sse = await openSse(`${server.url}/debug/actors/updateLifecycle/u-live-1/events`);
  assert.is(sse.response.status, 200);
  assert.match(sse.response.headers.get('content-type')!, 'text/event-stream');
  assert.is(sse.response.headers.get('cache-control'), 'no-cache, no-transform');
  await sse.until('retry: ');
  server.inspector.send('updateLifecycle', 'u-other', { type: 'MARK_INACTIVE', at: AT });
  server.inspector.send('updateLifecycle', 'u-live-1', { type: 'MARK_GA', at: AT });
  const text = await sse.until('"type":"snapshot"');
  sse.close();
  const frames = inspectionFrames(text);
  assert.equal(
    frames.map((frame) => [frame.data.id, frame.data.type]),
    [
      ['u-live-1', 'event'],
      ['u-live-1', 'snapshot'],
    ],
  );
  assert.is(frames[1]!.id, String(frames[1]!.data.seq));
  assert.ok((frames[1]!.data.activeStateIds as string[]).includes(GA));
});

test('the events stream sends heartbeat comments', async () => {
  const sse = await openSse(`${server.url}/debug/actors/updateLifecycle/u-live-1/events`);
  const text = await sse.until(': heartbeat\n\n');
  sse.close();
  assert.ok(text.startsWith('retry: 2000\n\n'));
});

test('the events stream replays records after Last-Event-ID', async () => {
  server.inspector.send('updateLifecycle', 'u-live-1', { type: 'MARK_GA', at: AT });
  server.inspector.send('updateLifecycle', 'u-live-1', { type: 'MARK_INACTIVE', at: AT });
  const first = server.inspector.recentEvents('updateLifecycle', 'u-live-1', 10)[1]!;
  const sse = await openSse(`${server.url}/debug/actors/updateLifecycle/u-live-1/events`, {
    'last-event-id': String(first.seq),
  });
  const text = await sse.until('"Inactive"');
  sse.close();
  assert.equal(
    inspectionFrames(text).map((frame) => Number(frame.id)),
    [first.seq + 1, first.seq + 2],
  );
});

test('the events stream unsubscribes when the client disconnects', async () => {
  const sse = await openSse(`${server.url}/debug/actors/updateLifecycle/u-live-1/events`);
  await sse.until('retry: ');
  assert.is(server.inspector.listenerCount, 1);
  sse.close();
  const deadline = Date.now() + 10_000;
  while (server.inspector.listenerCount > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  assert.is(server.inspector.listenerCount, 0);
});

test('the events stream of an unknown actor is 404 ACTOR_NOT_FOUND, not a stream', async () => {
  const response = await fetch(`${server.url}/debug/actors/updateLifecycle/nobody/events`);
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'ACTOR_NOT_FOUND');
});

test('GET /debug serves the page and its assets come from the server, not a CDN', async () => {
  const page = await fetch(`${server.url}/debug`);
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type')!, 'text/html');
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  assert.ok(assets.length >= 2);
  for (const asset of assets) {
    assert.ok(asset.startsWith('/debug/assets/'), asset);
    assert.is((await fetch(`${server.url}${asset}`)).status, 200, asset);
  }
  assert.match(
    (await fetch(`${server.url}/debug/assets/debugPage.js`)).headers.get('content-type')!,
    'javascript',
  );
});

test('GET /debug/assets/ of a name outside the page folder is 404', async () => {
  for (const name of ['..%2FdebugRoutes.ts', 'index.html', 'nope.js']) {
    assert.is((await fetch(`${server.url}/debug/assets/${name}`)).status, 404, name);
  }
});

test.run();
