import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../cli/runCli.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

// The file lives in a temp folder, outside node_modules' reach, so it names uvu by path.
const UVU = pathToFileURL(join(REPO_ROOT, 'node_modules/uvu/dist/index.mjs')).href;
const UVU_ASSERT = pathToFileURL(join(REPO_ROOT, 'node_modules/uvu/assert/index.mjs')).href;
const LEAKING_FAILURE = `
import { createServer } from 'node:http';
import { test } from '${UVU}';
import * as assert from '${UVU_ASSERT}';
test('leaves a server listening and fails', async () => {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  assert.is(1, 2);
});
test.run();
`;

function runGuardedUvu(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        join(REPO_ROOT, 'test/support/runGuard.ts'),
        join(REPO_ROOT, 'node_modules/uvu/bin.js'),
        dir,
        '\\.test\\.ts$',
      ],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, PATCHBAY_TEST_DRAIN_MS: '300' },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

test('a failing test that leaks a server ends the run with code 1, the failure repeated and the leak named', async () => {
  const { dir, cleanup } = await makeTempDir('patchbay-guard-');
  try {
    await writeFile(join(dir, 'leak.test.ts'), LEAKING_FAILURE);
    const { code, stdout, stderr } = await runGuardedUvu(dir);
    assert.is(code, 1);
    assert.match(stdout, /1 failing suite\(s\), repeated from above/);
    assert.ok(stdout.lastIndexOf('leaves a server listening and fails') > stdout.indexOf('Duration:'));
    assert.match(stderr, /TCPServerWrap/);
  } finally {
    await cleanup();
  }
});

test.run();
