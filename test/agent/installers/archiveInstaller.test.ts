import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArchiveInstaller,
  applicationSlug,
  assertArchiveSafe,
  currentVersion,
} from '../../../src/agent/installers/archiveInstaller.ts';
import type { InstallPackage } from '../../../src/agent/installers/Installer.ts';
import { Inventory } from '../../../src/agent/inventory.ts';
import { isPatchbayError } from '../../../src/domain/PatchbayError.ts';

/** Packs a tree { relativePath: content } into a .tar.gz and returns its path. */
async function makeArchive(dir: string, name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, `${name}-src`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const file = join(dir, `${name}.tar.gz`);
  await tar.c({ gzip: true, file, cwd: root }, Object.keys(files));
  return file;
}

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'pb-arch-'));
  const inventory = await Inventory.open(join(dir, 'inventory.json'));
  const installer = new ArchiveInstaller({ appsDir: join(dir, 'apps'), inventory });
  const appDir = join(dir, 'apps', 'desk-app');
  const context = { signal: new AbortController().signal, logFile: join(dir, 'logs', 'u.log') };
  const pkg = (
    updateId: string,
    version: string,
    file?: string,
    installType: InstallPackage['installType'] = 'Patch',
  ) =>
    ({
      updateId,
      application: 'Desk App',
      productLine: 'CIC',
      version,
      upgradeCode: 'UC',
      productCode: 'PC',
      installType,
      installProperties: {},
      file,
    }) satisfies InstallPackage;
  return { dir, inventory, installer, appDir, context, pkg };
}

const archive = suite('ArchiveInstaller');

archive('install extracts into <apps>/<slug>/<version> and points current at it', async () => {
  const t = await setup();
  const file = await makeArchive(t.dir, 'v1', { 'bin/app.txt': 'one' });
  const outcome = await t.installer.install(t.pkg('r1', '15.01.00.00', file, 'Install'), t.context);
  assert.is(outcome.status, 'succeeded');
  assert.is(await readFile(join(t.appDir, '15.01.00.00', 'bin', 'app.txt'), 'utf8'), 'one');
  assert.is(await readlink(join(t.appDir, 'current')), '15.01.00.00');
  assert.is(await readFile(join(t.appDir, 'current', 'bin', 'app.txt'), 'utf8'), 'one');
});

archive('a second version switches current and keeps the previous version on disk', async () => {
  const t = await setup();
  await t.installer.install(
    t.pkg('r1', '15.01.00.00', await makeArchive(t.dir, 'v1', { 'a.txt': 'one' }), 'Install'),
    t.context,
  );
  await t.installer.install(
    t.pkg('p2', '15.01.02.00', await makeArchive(t.dir, 'v2', { 'a.txt': 'two' })),
    t.context,
  );
  assert.is(await currentVersion(t.appDir), '15.01.02.00');
  assert.is(await readFile(join(t.appDir, 'current', 'a.txt'), 'utf8'), 'two');
  assert.ok(existsSync(join(t.appDir, '15.01.00.00', 'a.txt')));
  assert.equal(t.inventory.get('UC')?.updates, ['r1', 'p2']);
});

archive('remove switches current back and deletes the removed version', async () => {
  const t = await setup();
  await t.installer.install(
    t.pkg('r1', '15.01.00.00', await makeArchive(t.dir, 'v1', { 'a.txt': 'one' }), 'Install'),
    t.context,
  );
  await t.installer.install(
    t.pkg('p2', '15.01.02.00', await makeArchive(t.dir, 'v2', { 'a.txt': 'two' })),
    t.context,
  );
  const outcome = await t.installer.remove(t.pkg('p2', '15.01.02.00'), t.context);
  assert.is(outcome.status, 'succeeded');
  assert.is(await currentVersion(t.appDir), '15.01.00.00');
  assert.is(await readFile(join(t.appDir, 'current', 'a.txt'), 'utf8'), 'one');
  assert.is(existsSync(join(t.appDir, '15.01.02.00')), false);
  assert.is(t.inventory.get('UC')?.version, '15.01.00.00');
});

archive('removing the only version uninstalls: no current link, no version folder', async () => {
  const t = await setup();
  await t.installer.install(
    t.pkg('r1', '15.01.00.00', await makeArchive(t.dir, 'v1', { 'a.txt': 'one' }), 'Install'),
    t.context,
  );
  await t.installer.remove(t.pkg('r1', '15.01.00.00'), t.context);
  assert.is(await currentVersion(t.appDir), undefined);
  assert.is(existsSync(join(t.appDir, '15.01.00.00')), false);
  assert.equal(t.inventory.list(), []);
});

archive('removing an update that is not installed succeeds and changes nothing', async () => {
  const t = await setup();
  const outcome = await t.installer.remove(t.pkg('zz', '15.01.00.00'), t.context);
  assert.is(outcome.status, 'succeeded');
  assert.is(outcome.message, 'not installed');
});

archive('install writes the install log', async () => {
  const t = await setup();
  await t.installer.install(
    t.pkg('r1', '15.01.00.00', await makeArchive(t.dir, 'v1', { 'a.txt': 'x' }), 'Install'),
    t.context,
  );
  assert.match(await readFile(t.context.logFile, 'utf8'), /current → 15\.01\.00\.00/);
});

archive('an aborted install changes nothing and is cancelled (abort-safe)', async () => {
  const t = await setup();
  const controller = new AbortController();
  controller.abort();
  const file = await makeArchive(t.dir, 'v1', { 'a.txt': 'x' });
  const outcome = await t.installer.install(t.pkg('r1', '15.01.00.00', file, 'Install'), {
    ...t.context,
    signal: controller.signal,
  });
  assert.is(outcome.status, 'cancelled');
  assert.is(existsSync(join(t.appDir, '15.01.00.00')), false);
  assert.is(await currentVersion(t.appDir), undefined);
  assert.is(t.installer.abortSafe, true);
});

archive('a corrupt archive fails without touching current', async () => {
  const t = await setup();
  await t.installer.install(
    t.pkg('r1', '15.01.00.00', await makeArchive(t.dir, 'v1', { 'a.txt': 'one' }), 'Install'),
    t.context,
  );
  const junk = join(t.dir, 'junk.tar.gz');
  await writeFile(junk, 'not a tar at all');
  const outcome = await t.installer.install(t.pkg('p2', '15.01.02.00', junk), t.context);
  assert.is(outcome.status, 'failed');
  assert.is(await currentVersion(t.appDir), '15.01.00.00');
});

archive.run();

const safety = suite('assertArchiveSafe');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

safety('a parent-path entry is ARCHIVE_UNSAFE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-unsafe-'));
  await mkdir(join(dir, 'inner'));
  await writeFile(join(dir, 'outside.txt'), 'x');
  const file = join(dir, 'evil.tar.gz');
  await tar.c({ gzip: true, file, cwd: join(dir, 'inner'), preservePaths: true }, ['../outside.txt']);
  assert.is(await codeOf(assertArchiveSafe(file)), 'ARCHIVE_UNSAFE');
});

safety('an absolute-path entry is ARCHIVE_UNSAFE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-unsafe-'));
  await writeFile(join(dir, 'abs.txt'), 'x');
  const file = join(dir, 'evil.tar.gz');
  await tar.c({ gzip: true, file, preservePaths: true }, [join(dir, 'abs.txt')]);
  assert.is(await codeOf(assertArchiveSafe(file)), 'ARCHIVE_UNSAFE');
});

safety('a symlink leaving the archive is ARCHIVE_UNSAFE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-unsafe-'));
  await mkdir(join(dir, 'src'));
  await symlink('../../etc', join(dir, 'src', 'evil'));
  const file = join(dir, 'evil.tar.gz');
  await tar.c({ gzip: true, file, cwd: join(dir, 'src') }, ['evil']);
  assert.is(await codeOf(assertArchiveSafe(file)), 'ARCHIVE_UNSAFE');
});

safety('an installer refuses an unsafe archive and extracts nothing', async () => {
  const t = await setup();
  await mkdir(join(t.dir, 'inner'));
  await writeFile(join(t.dir, 'outside.txt'), 'x');
  const file = join(t.dir, 'evil.tar.gz');
  await tar.c({ gzip: true, file, cwd: join(t.dir, 'inner'), preservePaths: true }, ['../outside.txt']);
  const outcome = await t.installer.install(t.pkg('r1', '15.01.00.00', file, 'Install'), t.context);
  assert.is(outcome.status, 'failed');
  assert.is(existsSync(join(t.appDir, '15.01.00.00')), false);
});

safety('a symlink inside the archive is fine', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-safe-'));
  await mkdir(join(dir, 'src', 'lib'), { recursive: true });
  await writeFile(join(dir, 'src', 'lib', 'real.txt'), 'x');
  await symlink('lib/real.txt', join(dir, 'src', 'link.txt'));
  const file = join(dir, 'ok.tar.gz');
  await tar.c({ gzip: true, file, cwd: join(dir, 'src') }, ['lib', 'link.txt']);
  assert.is(await codeOf(assertArchiveSafe(file)), 'resolved');
});

safety.run();

const slug = suite('applicationSlug');

slug('lower-cases and dashes the name', () => {
  assert.is(applicationSlug('IC User Applications (64-bit)'), 'ic-user-applications-64-bit');
});

slug('a name without letters or digits is a TypeError', () => {
  assert.throws(() => applicationSlug('../'), TypeError);
});

slug.run();
