import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FolderScanner } from '../../src/provider/FolderScanner.ts';
import type { FolderImportEvent } from '../../src/provider/UpdateFolders.ts';
import { spawnProvider } from '../helpers/childProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { adminHeaders, requestJson, startTestProvider, testManifest } from '../helpers/testProvider.ts';
import { signBytes } from '../helpers/testSigning.ts';
import { backdate, dropFixture, FIXTURE, folderNames, waitFor } from '../helpers/updateFolder.ts';

const test = suite('FolderScanner');
const INTERVAL_MS = 150;
/** Only ends a wait a defect made endless; a loaded CI machine must never reach it. */
const DEADLINE_MS = 15_000;

async function setup(options: Parameters<typeof startTestProvider>[0] = {}) {
  const events: FolderImportEvent[] = [];
  const provider = await startTestProvider({
    scanDelayMs: 50,
    scanIntervalMs: INTERVAL_MS,
    folderSettleMs: 100,
    importReporter: (event) => events.push(event),
    ...options,
  });
  const { dir, cleanup } = await makeTempDir('patchbay-folder-');
  return {
    provider,
    folder: dir,
    events,
    async dispose() {
      await provider.dispose();
      await cleanup();
    },
  };
}

const preApproval = async (provider: { url: string; adminToken: string }) =>
  (
    await requestJson(
      provider.url,
      'GET',
      '/api/v1/updates?state=PreApproval',
      undefined,
      adminHeaders(provider.adminToken),
    )
  ).body as any[];

test('a signed package dropped in an auto folder is in PreApproval within one scan interval and leaves the folder', async () => {
  const ctx = await setup();
  try {
    await ctx.provider.json('POST', '/api/v1/folders', { path: ctx.folder, auto: true });
    await waitFor(
      async () => (ctx.provider.scanner.scans > 0 ? true : undefined),
      DEADLINE_MS,
      'the first scan',
    );
    const scansBefore = ctx.provider.scanner.scans;
    const file = await dropFixture(ctx.folder, FIXTURE.serverPatch2);
    const [update] = await waitFor(
      async () => {
        const found = await preApproval(ctx.provider);
        return found.length > 0 ? found : undefined;
      },
      DEADLINE_MS,
      'the package in PreApproval',
    );
    // "Within one scan interval" counted in scans, not in wall-clock time a loaded machine stretches:
    // the next scan imports it; at most two more if one ran mid-copy (the package fresh, then changed).
    const scans = ctx.provider.scanner.scans - scansBefore;
    assert.ok(scans <= 3, `imported only after ${scans} scans`);
    assert.is(update.fileName, file);
    assert.is(update.signed, true);
    await waitFor(
      async () => ((await folderNames(ctx.folder)).length === 0 ? true : undefined),
      DEADLINE_MS,
      'removal',
    );
    assert.equal(
      ctx.events.map((event) => [event.outcome, 'trigger' in event ? event.trigger : '']),
      [['imported', 'scan']],
    );
  } finally {
    await ctx.dispose();
  }
});

test('tampered, unsigned and invalid packages never enter the catalog, stay, and are reported once', async () => {
  const ctx = await setup();
  try {
    const tampered = await dropFixture(ctx.folder, FIXTURE.tampered);
    const unsigned = await dropFixture(ctx.folder, FIXTURE.unsigned);
    const invalid = await dropFixture(ctx.folder, FIXTURE.invalidManifest);
    const { body: folder } = await ctx.provider.json('POST', '/api/v1/folders', {
      path: ctx.folder,
      auto: true,
    });
    await waitFor(
      async () => (ctx.provider.scanner.scans >= 3 ? true : undefined),
      DEADLINE_MS,
      'three scans',
    );
    assert.equal(await preApproval(ctx.provider), []);
    assert.is((await folderNames(ctx.folder)).length, 8);
    const rejected = ctx.events.map((event) =>
      event.outcome === 'rejected' ? [event.file, event.error.code] : [event.outcome],
    );
    assert.equal(
      rejected.sort(),
      [
        [invalid, 'INVALID_MANIFEST'],
        [tampered, 'SIGNATURE_INVALID'],
        [unsigned, 'SIGNATURE_MISSING'],
      ].sort(),
    );
    const { body } = await ctx.provider.json('GET', `/api/v1/folders/${folder.id}/packages`);
    for (const entry of body.packages) assert.is(entry.status, 'invalid', entry.file);
    assert.is(
      body.packages.find((entry: any) => entry.file === tampered).lastError.code,
      'SIGNATURE_INVALID',
    );
  } finally {
    await ctx.dispose();
  }
});

test('a manual folder is never scanned', async () => {
  const ctx = await setup();
  try {
    const file = await dropFixture(ctx.folder, FIXTURE.serverPatch2);
    await ctx.provider.json('POST', '/api/v1/folders', { path: ctx.folder, auto: false });
    await waitFor(async () => (ctx.provider.scanner.scans >= 2 ? true : undefined), DEADLINE_MS, 'two scans');
    assert.equal(await preApproval(ctx.provider), []);
    assert.ok((await folderNames(ctx.folder)).includes(file));
  } finally {
    await ctx.dispose();
  }
});

test('a file still being written is left until it stops changing between scans', async () => {
  // The scanner timer is parked; scans are driven by hand to control what each one sees.
  const ctx = await setup({ scanDelayMs: 3_600_000 });
  try {
    const { body: folder } = await ctx.provider.json('POST', '/api/v1/folders', {
      path: ctx.folder,
      auto: true,
    });
    const bytes = Buffer.alloc(300_000, 7);
    const path = join(ctx.folder, 'growing.tar.gz');
    await writeFile(`${path}.manifest.json`, JSON.stringify(testManifest()));
    await writeFile(`${path}.sig`, signBytes(bytes));
    await writeFile(path, bytes.subarray(0, 100_000));
    const first = await ctx.provider.folders.scan(folder.id);
    assert.is(first[0]?.outcome, 'notReady', 'modified just now');
    await appendFile(path, bytes.subarray(100_000));
    for (const name of [path, `${path}.manifest.json`, `${path}.sig`]) await backdate(name);
    const second = await ctx.provider.folders.scan(folder.id);
    assert.is(second[0]?.outcome, 'notReady', 'grew since the previous scan');
    const third = await ctx.provider.folders.scan(folder.id);
    assert.is(third[0]?.outcome, 'imported');
    assert.is((await preApproval(ctx.provider))[0].size, bytes.length);
  } finally {
    await ctx.dispose();
  }
});

test('a refused file is retried once it changes (a fixed signature gets it in)', async () => {
  const ctx = await setup({ scanDelayMs: 3_600_000 });
  try {
    const { body: folder } = await ctx.provider.json('POST', '/api/v1/folders', {
      path: ctx.folder,
      auto: true,
    });
    const path = join(ctx.folder, 'pkg.tar.gz');
    await writeFile(path, 'package bytes');
    await writeFile(`${path}.manifest.json`, JSON.stringify(testManifest()));
    for (const name of [path, `${path}.manifest.json`]) await backdate(name);
    assert.is((await ctx.provider.folders.scan(folder.id))[0]?.outcome, 'rejected');
    assert.equal(await ctx.provider.folders.scan(folder.id), [], 'unchanged: not retried');
    await writeFile(`${path}.sig`, signBytes('package bytes'));
    await backdate(`${path}.sig`);
    // The first scan after the change sees a package that changed since the previous scan and waits.
    assert.is((await ctx.provider.folders.scan(folder.id))[0]?.outcome, 'notReady');
    assert.is((await ctx.provider.folders.scan(folder.id))[0]?.outcome, 'imported');
    assert.equal(
      ctx.events.map((event) => event.outcome),
      ['rejected', 'imported'],
    );
  } finally {
    await ctx.dispose();
  }
});

test('imported content and its catalog record are both there after a restart', async () => {
  const ctx = await setup({ scanDelayMs: 3_600_000 });
  try {
    const file = await dropFixture(ctx.folder, FIXTURE.serverInstall);
    const { body: folder } = await ctx.provider.json('POST', '/api/v1/folders', {
      path: ctx.folder,
      auto: true,
    });
    const [result] = await ctx.provider.folders.scan(folder.id);
    assert.is(result?.outcome, 'imported');
    assert.equal(await folderNames(ctx.folder), []);
    const dataDir = ctx.provider.dataDir;
    await ctx.provider.close();
    const again = await startTestProvider({ dataDir, scanDelayMs: 3_600_000 });
    try {
      const [update] = await preApproval(again);
      assert.is(update.fileName, file);
      const served = await fetch(`${again.url}${again.contentPath(update.sha256)}`, { method: 'HEAD' });
      assert.is(served.status, 200);
      assert.is(served.headers.get('content-length'), String(update.size));
    } finally {
      await again.close();
    }
  } finally {
    await ctx.dispose();
  }
});

test('patchbay provider --scan-delay-ms/--scan-interval-ms imports from an auto folder', async () => {
  const { dir, cleanup } = await makeTempDir();
  const { dir: folder, cleanup: cleanupFolder } = await makeTempDir('patchbay-folder-');
  const provider = await spawnProvider(dir, ['--scan-delay-ms', '100', '--scan-interval-ms', '200']);
  try {
    const { body: added } = await requestJson(
      provider.url,
      'POST',
      '/api/v1/folders',
      { path: folder, auto: true },
      adminHeaders(provider.adminToken),
    );
    const file = await dropFixture(folder, FIXTURE.clientPatch1);
    const tampered = await dropFixture(folder, FIXTURE.tampered);
    const [update] = await waitFor(
      async () => {
        const found = await preApproval(provider);
        return found.length > 0 ? found : undefined;
      },
      DEADLINE_MS,
      'the package in PreApproval',
    );
    assert.is(update.fileName, file);
    // Wait until a scan has judged the tampered package (instead of sleeping and hoping one did).
    await waitFor(
      async () => {
        const { body } = await requestJson(
          provider.url,
          'GET',
          `/api/v1/folders/${added.id}/packages`,
          undefined,
          adminHeaders(provider.adminToken),
        );
        const entry = body.packages.find((found: any) => found.file === tampered);
        return entry?.lastError ? entry : undefined;
      },
      DEADLINE_MS,
      'the tampered package rejected',
    );
    assert.is((await preApproval(provider)).length, 1);
    assert.ok((await folderNames(folder)).includes(tampered));
  } finally {
    await provider.stop();
    await cleanup();
    await cleanupFolder();
  }
});

test.run();

const options = suite('new FolderScanner');

options('a negative or non-numeric delay is a TypeError', async () => {
  const ctx = await setup({ scanDelayMs: 3_600_000 });
  try {
    assert.throws(() => new FolderScanner(ctx.provider.folders, { delayMs: -1 }), TypeError);
    assert.throws(() => new FolderScanner(ctx.provider.folders, { intervalMs: Number.NaN }), TypeError);
  } finally {
    await ctx.dispose();
  }
});

options('stop() before the first scan means no scan happens', async () => {
  const ctx = await setup({ scanDelayMs: 500 });
  try {
    // Stopped at once, so a slow machine cannot let the first scan run before the stop.
    await ctx.provider.scanner.stop();
    await dropFixture(ctx.folder, FIXTURE.serverPatch2);
    await ctx.provider.json('POST', '/api/v1/folders', { path: ctx.folder, auto: true });
    // Proving that something does not happen needs a wait: past the moment the first scan was due.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.is(ctx.provider.scanner.scans, 0);
    assert.equal(await preApproval(ctx.provider), []);
  } finally {
    await ctx.dispose();
  }
});

options.run();
