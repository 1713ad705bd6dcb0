import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestProvider, type TestProvider, testManifest } from '../helpers/testProvider.ts';

const test = suite('DELETE /api/v1/updates/:id and /content');
let provider: TestProvider;

test.before.each(async () => {
  provider = await startTestProvider();
});
test.after.each(async () => {
  await provider.dispose();
});

test('after the last update holding a hash is deleted, GET /content is 404 CONTENT_NOT_FOUND', async () => {
  const bytes = randomBytes(4096);
  const first = (await provider.upload(testManifest(), bytes)).body;
  const second = (await provider.upload(testManifest({ version: '25.01.01.04' }), bytes)).body;
  assert.is(first.sha256, second.sha256);
  assert.is((await provider.json('DELETE', `/api/v1/updates/${first.id}`)).status, 204);
  const kept = await fetch(`${provider.url}${provider.contentPath(first.sha256)}`);
  assert.is(kept.status, 200, 'still referenced by the second update');
  assert.is((await kept.arrayBuffer()).byteLength, bytes.length);
  assert.is((await provider.json('DELETE', `/api/v1/updates/${second.id}`)).status, 204);
  const gone = await fetch(`${provider.url}${provider.contentPath(first.sha256)}`);
  assert.is(gone.status, 404);
  assert.is(((await gone.json()) as { error: { code: string } }).error.code, 'CONTENT_NOT_FOUND');
});

test('a download under way when its update is deleted still completes with every byte', async () => {
  const bytes = randomBytes(8 * 1024 * 1024);
  const update = (await provider.upload(testManifest(), bytes)).body;
  const response = await fetch(`${provider.url}${provider.contentPath(update.sha256)}`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  const firstChunk = await reader.read();
  chunks.push(firstChunk.value!);
  assert.is((await provider.json('DELETE', `/api/v1/updates/${update.id}`)).status, 204);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  assert.ok(Buffer.concat(chunks).equals(bytes));
});

test.run();
