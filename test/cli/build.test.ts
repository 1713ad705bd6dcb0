import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders } from '../helpers/testProvider.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository (and git-ignored), so that the compiled modules find node_modules.
const OUT_DIR = join(ROOT, '.tmp', `build-test-${process.pid}`);

const test = suite('npm run build');

test.after(async () => {
  await rm(OUT_DIR, { recursive: true, force: true });
});

test('compiles a provider that starts on plain node and serves its API and the visualizer page', async () => {
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/build.ts'), '--out-dir', OUT_DIR],
    { cwd: ROOT },
  );
  const main = join(OUT_DIR, 'src/cli/main.js');
  const compiled = await readFile(main, 'utf8');
  assert.ok(compiled.includes('from "./commands/index.js"'), 'relative .ts imports are rewritten to .js');
  assert.not.ok(/from ["']\.[^"']*\.ts["']/.test(compiled));

  const { dir, cleanup } = await makeTempDir('patchbay-build-');
  const provider = await spawnProvider(join(dir, 'data'), [], { compiledMain: main });
  try {
    const headers = adminHeaders(provider.adminToken);
    const about = await fetch(`${provider.url}/api/v1/about`, { headers });
    assert.is(about.status, 200);
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.is(((await about.json()) as { version: string }).version, version);

    // The page's script is not TypeScript: the build copies it next to the compiled routes.
    const script = await fetch(`${provider.url}/debug/assets/debugPage.js`, { headers });
    assert.is(script.status, 200);
    assert.is(await script.text(), await readFile(join(ROOT, 'http/debugPage/debugPage.js'), 'utf8'));
    assert.is(await provider.stop(), 0);
  } finally {
    await provider.kill();
    await cleanup();
  }
});

test.run();
