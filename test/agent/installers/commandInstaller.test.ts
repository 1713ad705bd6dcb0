import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAgentConfig } from '../../../src/agent/config.ts';
import {
  buildCommandLine,
  CommandInstaller,
  mapExitCode,
} from '../../../src/agent/installers/commandInstaller.ts';
import type { InstallPackage } from '../../../src/agent/installers/Installer.ts';
import { Inventory } from '../../../src/agent/inventory.ts';
import { until } from '../../helpers/deferredActor.ts';

const pkg: InstallPackage = {
  updateId: 'u1',
  application: 'Desk App; rm -rf /',
  productLine: 'CIC',
  version: '15.01.02.07',
  upgradeCode: 'UC',
  productCode: 'PC',
  installType: 'Install',
  installProperties: { TARGETDIR: '/opt/desk app' },
  file: '/data/downloads/abc',
};

async function installer(install: string[], extra: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pb-cmd-'));
  const config = parseAgentConfig({
    installer: { type: 'command', install, uninstall: ['/bin/sh', '-c', 'exit 0'], ...extra },
  }).installer;
  if (config.type !== 'command') throw new Error('expected a command installer');
  const inventory = await Inventory.open(join(dir, 'inventory.json'));
  const context = { signal: new AbortController().signal, logFile: join(dir, 'logs', 'u1.log') };
  return { installer: new CommandInstaller({ ...config, inventory }), inventory, context, dir };
}

/** Whether the install log exists and matches `pattern`. */
function logHas(file: string, pattern: RegExp): boolean {
  try {
    return pattern.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

const line = suite('buildCommandLine');

line('placeholders in plain arguments become values, one argv element each', () => {
  const { argv } = buildCommandLine(['/usr/bin/dpkg', '-i', '{file}', '--name={application}'], pkg, 'env');
  assert.equal(argv, ['/usr/bin/dpkg', '-i', '/data/downloads/abc', '--name=Desk App; rm -rf /']);
});

line('placeholders in a sh -c script become quoted variables, values go in the environment', () => {
  const { argv, env } = buildCommandLine(['/bin/sh', '-c', 'dpkg -i {file} # {application}'], pkg, 'env');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell variable syntax is the expected text
  assert.equal(argv, ['/bin/sh', '-c', 'dpkg -i "${PATCHBAY_FILE}" # "${PATCHBAY_APPLICATION}"']);
  assert.is(env.PATCHBAY_APPLICATION, 'Desk App; rm -rf /');
});

line('installProperties as args are appended as KEY=value', () => {
  const { argv } = buildCommandLine(['/bin/true'], pkg, 'args');
  assert.equal(argv, ['/bin/true', 'TARGETDIR=/opt/desk app']);
});

line('installProperties as env become variables', () => {
  const { env } = buildCommandLine(['/bin/true'], pkg, 'env');
  assert.is(env.TARGETDIR, '/opt/desk app');
});

line('an unknown placeholder is left as written', () => {
  assert.equal(buildCommandLine(['x', '{nope}'], pkg, 'env').argv, ['x', '{nope}']);
});

line.run();

const codes = suite('mapExitCode');

codes('an exact code wins', () => {
  assert.is(mapExitCode({ '0': 'succeeded', '194': 'failed', '3010': 'restartRequired' }, 194), 'failed');
});

codes('a code above 255 matches its POSIX low byte', () => {
  assert.is(mapExitCode({ '3010': 'restartRequired' }, 3010 & 0xff), 'restartRequired');
});

codes('an unmapped code is failed', () => {
  assert.is(mapExitCode({ '0': 'succeeded' }, 1), 'failed');
});

codes.run();

const run = suite('CommandInstaller');

run('exit 0 → succeeded, recorded in the inventory', async () => {
  const t = await installer(['/bin/sh', '-c', 'exit 0']);
  const outcome = await t.installer.install(pkg, t.context);
  assert.is(outcome.status, 'succeeded');
  assert.is(outcome.exitCode, 0);
  assert.equal(t.inventory.get('UC')?.updates, ['u1']);
});

run('exit 3010 → restartRequired with the default map (recorded as installed)', async () => {
  const t = await installer(['/bin/sh', '-c', 'exit 3010']);
  const outcome = await t.installer.install(pkg, t.context);
  assert.is(outcome.status, 'restartRequired');
  assert.equal(t.inventory.get('UC')?.updates, ['u1']);
});

run('a configured exit-code map is used', async () => {
  const t = await installer(['/bin/sh', '-c', 'exit 5'], {
    exitCodes: { '0': 'succeeded', '5': 'restartRequired' },
  });
  assert.is((await t.installer.install(pkg, t.context)).status, 'restartRequired');
});

run('an unmapped exit code → failed with the code, inventory untouched', async () => {
  const t = await installer(['/bin/sh', '-c', 'exit 7']);
  const outcome = await t.installer.install(pkg, t.context);
  assert.is(outcome.status, 'failed');
  assert.is(outcome.exitCode, 7);
  assert.equal(t.inventory.list(), []);
});

run('output goes to the per-update install log', async () => {
  const t = await installer(['/bin/sh', '-c', 'echo installing {version}; echo oops >&2']);
  const outcome = await t.installer.install(pkg, t.context);
  const log = await readFile(outcome.logFile!, 'utf8');
  assert.match(log, /installing 15\.01\.02\.07/);
  assert.match(log, /oops/);
});

run('provider text never runs as shell code', async () => {
  const t = await installer(['/bin/sh', '-c', 'echo "app={application}"']);
  await t.installer.install({ ...pkg, application: '$(echo INJECTED)' }, t.context);
  const log = await readFile(t.context.logFile, 'utf8');
  assert.match(log, /app=\$\(echo INJECTED\)/);
  assert.not.match(log, /^INJECTED$/m);
});

run('installProperties reach the command as arguments', async () => {
  const t = await installer(['/bin/sh', '-c', 'echo "args:$*"', 'sh']);
  await t.installer.install(pkg, t.context);
  assert.match(await readFile(t.context.logFile, 'utf8'), /args:TARGETDIR=\/opt\/desk app/);
});

run('a missing program → failed, not a crash', async () => {
  const t = await installer(['/nonexistent/installer']);
  const outcome = await t.installer.install(pkg, t.context);
  assert.is(outcome.status, 'failed');
  assert.match(outcome.message ?? '', /could not start/);
});

run('cancel does not kill a running command unless abort-safe', async () => {
  const t = await installer(['/bin/sh', '-c', 'echo started; sleep 0.3; exit 0']);
  const controller = new AbortController();
  const running = t.installer.install(pkg, { ...t.context, signal: controller.signal });
  // Cancel once the command runs (its own output line, not the logged argv, is in the log), not
  // after a guessed delay.
  await until(() => logHas(t.context.logFile, /^started$/m));
  controller.abort();
  assert.is((await running).status, 'succeeded');
  assert.is(t.installer.abortSafe, false);
});

run('cancel kills a running command when abort-safe → cancelled, quickly', async () => {
  const t = await installer(['/bin/sh', '-c', 'echo started; exec sleep 60'], { abortSafe: true });
  const controller = new AbortController();
  const running = t.installer.install(pkg, { ...t.context, signal: controller.signal });
  try {
    await until(() => logHas(t.context.logFile, /^started$/m));
    const abortedAt = Date.now();
    controller.abort();
    assert.is((await running).status, 'cancelled');
    // The command would sleep 60 s; ending far sooner proves it was killed, not waited for. The
    // bound is generous on purpose (a loaded CI machine), it is no performance measure.
    assert.ok(Date.now() - abortedAt < 30_000, `ended ${Date.now() - abortedAt} ms after the cancel`);
    assert.equal(t.inventory.list(), []);
  } finally {
    // A failure before the cancel must not leave `sleep 60` running.
    controller.abort();
    await running;
  }
});

run('a command over timeoutMs is killed → failed', async () => {
  const t = await installer(['/bin/sh', '-c', 'sleep 5'], { timeoutMs: 100 });
  const outcome = await t.installer.install(pkg, t.context);
  assert.is(outcome.status, 'failed');
  assert.match(outcome.message ?? '', /killed after 100 ms/);
});

run('remove runs the uninstall template and rolls the inventory back', async () => {
  const t = await installer(['/bin/sh', '-c', 'exit 0']);
  await t.installer.install(pkg, t.context);
  const outcome = await t.installer.remove(pkg, t.context);
  assert.is(outcome.status, 'succeeded');
  assert.equal(t.inventory.list(), []);
});

run.run();
