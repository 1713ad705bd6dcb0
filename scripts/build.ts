/**
 * `npm run build`: the compiled provider and agent under dist/, for a start without the TypeScript
 * loader (about 0.7 s less on a 2-core machine; see docs/performance.md). tsc emits the JavaScript
 * (tsconfig.build.json rewrites the `.ts` import specifiers); the files tsc does not know about, the
 * visualizer's page, are copied next to the module that serves them.
 *
 * Options: `--project <tsconfig>`, another project extending tsconfig.build.json (the fleet benchmark
 * compiles its provider wrapper along this way); `--out-dir <folder>`, which must sit inside the
 * repository so that the compiled modules still find node_modules.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    project: { type: 'string', default: 'tsconfig.build.json' },
    'out-dir': { type: 'string', default: 'dist' },
  },
});
const outDir = resolve(root, values['out-dir']);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', values.project, '--outDir', outDir], {
  cwd: root,
  stdio: 'inherit',
});
cpSync(join(root, 'http/debugPage'), join(outDir, 'http/debugPage'), { recursive: true });
