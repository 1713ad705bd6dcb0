import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/cli/command.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { visualize } from '../../src/cli/commands/visualize.ts';
import { MACHINES } from '../../src/runtime/machineRegistry.ts';

const test = suite('visualize.run');
let dir = '';
const originalStderrWrite = process.stderr.write;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-visualize-'));
  // The command reports the file it wrote on stderr; keep the test output clean.
  process.stderr.write = () => true;
});

test.after(async () => {
  process.stderr.write = originalStderrWrite;
  await rm(dir, { recursive: true, force: true });
});

test('is registered as a patchbay command', () => {
  assert.ok(COMMANDS.includes(visualize));
});

test('writes an SVG statechart with every state of every registered machine to --out', async () => {
  for (const name of Object.keys(MACHINES)) {
    const out = join(dir, `${name}.svg`);
    assert.is(await visualize.run([name, '--out', out]), 0);
    const svg = await readFile(out, 'utf8');
    assert.ok(svg.includes('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.includes(`data-machine="${name}"`));
  }
  const svg = await readFile(join(dir, 'updateLifecycle.svg'), 'utf8');
  for (const state of ['PreApproval', 'GA', 'Inactive', 'Remove', 'deleted']) {
    assert.ok(svg.includes(`>${state}</text>`), state);
  }
});

test('refuses an unknown machine with a usage error naming the known ones', async () => {
  try {
    await visualize.run(['noSuchMachine', '--out', join(dir, 'x.svg')]);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, 'updateLifecycle');
  }
});

test('refuses a missing machine name with a usage error', async () => {
  try {
    await visualize.run([]);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, UsageError);
  }
});

test.run();
