import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashFile } from '../../storage/hashFile.ts';

const test = suite('hashFile');
let dir = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-hash-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('hashes a multi-chunk file to the SHA-256 of its bytes and reports its size', async () => {
  // 3.5 MiB spans several 1 MiB reads, so chunk boundaries are exercised.
  const bytes = Buffer.alloc(3.5 * 1024 * 1024);
  for (let index = 0; index < bytes.length; index += 4096) bytes[index] = index & 0xff;
  const path = join(dir, 'big.bin');
  await writeFile(path, bytes);
  assert.equal(await hashFile(path), {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  });
});

test('an empty file has the SHA-256 of nothing and size 0', async () => {
  const path = join(dir, 'empty.bin');
  await writeFile(path, '');
  assert.equal(await hashFile(path), { sha256: createHash('sha256').digest('hex'), size: 0 });
});

test('a missing file rejects with ENOENT', async () => {
  try {
    await hashFile(join(dir, 'absent.bin'));
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

test('an aborted signal rejects with AbortError', async () => {
  const path = join(dir, 'abort.bin');
  await writeFile(path, Buffer.alloc(1024));
  try {
    await hashFile(path, { signal: AbortSignal.abort() });
    assert.unreachable('should have rejected');
  } catch (error) {
    assert.is((error as Error).name, 'AbortError');
  }
});

test.run();
