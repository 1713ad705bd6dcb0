import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROVIDER_NODE_FLAGS, youngGenerationHint } from '../../src/cli/youngGeneration.ts';

const test = suite('youngGeneration');
const root = new URL('../../', import.meta.url);

test('npm start and the patchbay executable start node with the provider flags', async () => {
  const scripts = (
    JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const shebang = (await readFile(new URL('src/cli/bin.ts', root), 'utf8')).split('\n')[0]!;
  for (const flag of PROVIDER_NODE_FLAGS) {
    assert.ok(scripts.start!.startsWith('node ') && scripts.start!.includes(` ${flag} `), scripts.start);
    assert.ok(shebang.includes(` ${flag} `), shebang);
  }
});

test('the README starts the compiled provider with the same flags', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  assert.ok(readme.includes(`node ${PROVIDER_NODE_FLAGS.join(' ')} dist/src/cli/main.js provider`));
});

test('the flags give node a young generation of 2 × 64 MiB', async () => {
  // Under a steady allocation rate V8 grows the young generation towards its bound, 32 MiB by default.
  // (Written plainly: the test runner's FORCE_COLOR would colour a console.log'd number.)
  const { stdout: limit } = await promisify(execFile)(process.execPath, [
    ...PROVIDER_NODE_FLAGS,
    '-e',
    "let keep = []; for (let i = 0; i < 4e6; i++) { keep.push({ i }); if (keep.length > 3e5) keep = []; } process.stdout.write(String(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))",
  ]);
  assert.ok(Number(limit) > 32 * 1_048_576, `new space ${limit} bytes`);
});

test('the hint names the flags when none was given, and is silent when the operator chose a size', () => {
  assert.match(youngGenerationHint({ execArgv: [] }) ?? '', PROVIDER_NODE_FLAGS[0]!);
  assert.is(youngGenerationHint({ execArgv: ['--max-semi-space-size=16'] }), undefined);
  assert.is(youngGenerationHint({ execArgv: [], nodeOptions: '--max_semi_space_size=32' }), undefined);
});

test.run();
