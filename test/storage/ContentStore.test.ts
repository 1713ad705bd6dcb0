import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { ContentStore, isSha256 } from '../../storage/ContentStore.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('ContentStore');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function withContent(run: (content: ContentStore, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await makeTempDir();
  const content = new ContentStore(dir);
  await content.open();
  try {
    await run(content, dir);
  } finally {
    await cleanup();
  }
}

/** A stream of `count` chunks of 64 KiB, so the bytes arrive in many pieces as an upload would. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 65536)
    chunks.push(bytes.subarray(offset, offset + 65536));
  return Readable.from(chunks);
}

test('stage hashes while streaming and commit renames into <aa>/<sha256>', async () => {
  await withContent(async (content, dir) => {
    const bytes = Buffer.alloc(1_000_000, 7);
    const staged = await content.stage(chunked(bytes));
    assert.is(staged.sha256, sha(bytes));
    assert.is(staged.size, bytes.length);
    assert.is(await content.sizeOf(staged.sha256), undefined, 'not visible before commit');
    await staged.commit();
    const stored = await readFile(join(dir, 'content', staged.sha256.slice(0, 2), staged.sha256));
    assert.ok(stored.equals(bytes));
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('a declared sha256 that does not match is CONTENT_HASH_MISMATCH and leaves no file', async () => {
  await withContent(async (content, dir) => {
    try {
      await content.stage(chunked(Buffer.from('hello')), { expectedSha256: 'f'.repeat(64) });
      assert.unreachable();
    } catch (error) {
      assert.ok(isPatchbayError(error, 'CONTENT_HASH_MISMATCH'));
    }
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('more bytes than maxBytes is BODY_TOO_LARGE and leaves no file', async () => {
  await withContent(async (content, dir) => {
    try {
      await content.stage(chunked(Buffer.alloc(200_000)), { maxBytes: 100_000 });
      assert.unreachable();
    } catch (error) {
      assert.ok(isPatchbayError(error, 'BODY_TOO_LARGE'));
    }
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('a source that fails before the temp file is even open leaves no file, not even later', async () => {
  await withContent(async (content, dir) => {
    for (let round = 0; round < 20; round++) {
      const failing = new Readable({
        read() {
          this.destroy(new Error('the client went away'));
        },
      });
      await content.stage(failing).then(
        () => assert.unreachable('the stage should fail'),
        (error: Error) => assert.is(error.message, 'the client went away'),
      );
    }
    // The write streams' opens were still under way when the sources failed: let them finish.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('discard removes the staged temp file', async () => {
  await withContent(async (content, dir) => {
    const staged = await content.stage(chunked(Buffer.from('bytes')));
    await staged.discard();
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('open clears temp files a crash left behind', async () => {
  await withContent(async (content, dir) => {
    await content.stage(chunked(Buffer.from('orphan')));
    assert.is((await readdir(join(dir, 'content', 'tmp'))).length, 1);
    await new ContentStore(dir).open();
    assert.equal(await readdir(join(dir, 'content', 'tmp')), []);
  });
});

test('paths are built only from 64 hex characters', async () => {
  await withContent(async (content) => {
    assert.is(isSha256('../../etc/passwd'), false);
    assert.throws(() => content.pathOf('../../etc/passwd'), TypeError);
    assert.is(await content.sizeOf('../x'), undefined);
  });
});

test('read streams a byte range', async () => {
  await withContent(async (content) => {
    const staged = await content.stage(chunked(Buffer.from('0123456789')));
    await staged.commit();
    const chunks: Buffer[] = [];
    for await (const chunk of content.read(staged.sha256, { start: 2, end: 5 })) chunks.push(chunk as Buffer);
    assert.is(Buffer.concat(chunks).toString(), '2345');
  });
});

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('openForRead gives the size and streams the whole content or a range', async () => {
  await withContent(async (content) => {
    const staged = await content.stage(chunked(Buffer.from('0123456789')));
    await staged.commit();
    const whole = await content.openForRead(staged.sha256);
    assert.is(whole?.size, 10);
    assert.is((await collect(whole!.stream())).toString(), '0123456789');
    const part = await content.openForRead(staged.sha256);
    assert.is((await collect(part!.stream({ start: 7, end: 9 }))).toString(), '789');
  });
});

test('openForRead is undefined for an unknown hash or a non-hash, without building a path', async () => {
  await withContent(async (content) => {
    assert.is(await content.openForRead('0'.repeat(64)), undefined);
    assert.is(await content.openForRead('../../etc/passwd'), undefined);
  });
});

test('content removed after openForRead is still streamed whole to whoever opened it', async () => {
  await withContent(async (content) => {
    const bytes = Buffer.alloc(1024 * 1024, 3);
    const staged = await content.stage(chunked(bytes));
    await staged.commit();
    const opened = await content.openForRead(staged.sha256);
    await content.remove(staged.sha256);
    assert.is(await content.openForRead(staged.sha256), undefined);
    assert.ok((await collect(opened!.stream())).equals(bytes));
  });
});

test.run();
