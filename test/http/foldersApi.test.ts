import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeTempDir } from '../helpers/tempDir.ts';
import { startTestProvider, type TestProvider } from '../helpers/testProvider.ts';
import { backdate, dropFixture, FIXTURE, folderNames } from '../helpers/updateFolder.ts';

const test = suite('Update folders API');
let provider: TestProvider;
let folder: string;
let cleanupFolder: () => Promise<void>;

test.before.each(async () => {
  // No background scan during these tests: imports happen only on request.
  provider = await startTestProvider({ scanDelayMs: 3_600_000, folderSettleMs: 1000 });
  ({ dir: folder, cleanup: cleanupFolder } = await makeTempDir('patchbay-folder-'));
});
test.after.each(async () => {
  await provider.dispose();
  await cleanupFolder();
});

async function addFolder(path = folder, auto = false) {
  const { status, body } = await provider.json('POST', '/api/v1/folders', { path, auto });
  assert.is(status, 201, JSON.stringify(body));
  return body as { id: string; path: string; auto: boolean };
}

async function listing(id: string) {
  const { status, body } = await provider.json('GET', `/api/v1/folders/${id}/packages`);
  assert.is(status, 200, JSON.stringify(body));
  return body as { packages: any[]; orphans: string[] };
}

test('POST adds a folder; GET lists and shows it; PATCH toggles auto; DELETE forgets it and leaves the files', async () => {
  const file = await dropFixture(folder, FIXTURE.serverPatch2);
  const added = await addFolder();
  assert.is(added.path, folder);
  assert.is(added.auto, false);
  assert.equal((await provider.json('GET', '/api/v1/folders')).body, [added]);
  assert.equal((await provider.json('GET', `/api/v1/folders/${added.id}`)).body, added);
  const patched = await provider.json('PATCH', `/api/v1/folders/${added.id}`, { auto: true });
  assert.is(patched.body.auto, true);
  assert.is((await provider.json('DELETE', `/api/v1/folders/${added.id}`)).status, 204);
  const gone = await provider.json('GET', `/api/v1/folders/${added.id}`);
  assert.is(gone.status, 404);
  assert.is(gone.body.error.code, 'FOLDER_NOT_FOUND');
  assert.ok((await folderNames(folder)).includes(file));
});

test('a folder path must be absolute, existing, a directory, and not added twice', async () => {
  await writeFile(join(folder, 'plain-file'), 'x');
  for (const [path, reason] of [
    ['relative/dir', 'not-absolute'],
    [join(folder, 'missing'), 'not-found'],
    [join(folder, 'plain-file'), 'not-a-directory'],
  ]) {
    const { status, body } = await provider.json('POST', '/api/v1/folders', { path, auto: true });
    assert.is(status, 400, path);
    assert.is(body.error.code, 'INVALID_REQUEST');
    assert.is(body.error.details.field, 'path');
    assert.is(body.error.details.reason, reason);
  }
  const first = await addFolder();
  const again = await provider.json('POST', '/api/v1/folders', { path: `${folder}/` });
  assert.is(again.status, 400);
  assert.is(again.body.error.details.reason, 'already-added');
  assert.is(again.body.error.details.id, first.id);
  assert.is(
    (await provider.json('POST', '/api/v1/folders', { auto: true })).body.error.details.field,
    'path',
  );
});

test('folders survive a restart', async () => {
  const added = await addFolder(folder, true);
  const dataDir = provider.dataDir;
  await provider.close();
  provider = await startTestProvider({ dataDir, scanDelayMs: 3_600_000 });
  assert.equal((await provider.json('GET', '/api/v1/folders')).body, [added]);
});

test('unknown folder ids are 404 FOLDER_NOT_FOUND on every folder route', async () => {
  for (const [method, path, body] of [
    ['GET', '/api/v1/folders/nope', undefined],
    ['PATCH', '/api/v1/folders/nope', { auto: true }],
    ['DELETE', '/api/v1/folders/nope', undefined],
    ['GET', '/api/v1/folders/nope/packages', undefined],
    ['POST', '/api/v1/folders/nope/import', { files: ['a'] }],
  ] as const) {
    const response = await provider.json(method, path, body);
    assert.is(response.status, 404, `${method} ${path}`);
    assert.is(response.body.error.code, 'FOLDER_NOT_FOUND');
  }
});

test('GET /:id/packages says which packages are importable, invalid and why, and lists orphans', async () => {
  const good = await dropFixture(folder, FIXTURE.serverPatch2);
  const unsigned = await dropFixture(folder, FIXTURE.unsigned);
  const tampered = await dropFixture(folder, FIXTURE.tampered);
  const untrusted = await dropFixture(folder, FIXTURE.untrusted);
  const invalid = await dropFixture(folder, FIXTURE.invalidManifest);
  await writeFile(join(folder, 'bare.tar.gz'), 'no manifest');
  await backdate(join(folder, 'bare.tar.gz'));
  await writeFile(join(folder, 'lost.tar.gz.sig'), 'orphan');
  await writeFile(join(folder, 'copying.tar.gz.part'), 'temp');
  await mkdir(join(folder, 'subfolder'));
  await symlink('/etc/passwd', join(folder, 'link.tar.gz'));
  const { id } = await addFolder();
  const { packages, orphans } = await listing(id);
  const byFile = new Map(packages.map((entry) => [entry.file, entry]));
  assert.equal(
    [...byFile.keys()].sort(),
    ['bare.tar.gz', good, invalid, tampered, unsigned, untrusted].sort(),
  );
  assert.is(byFile.get(good).status, 'importable');
  assert.is(byFile.get(good).manifest, true);
  assert.is(byFile.get(good).signature, true);
  assert.match(byFile.get(good).sha256, /^[0-9a-f]{64}$/);
  assert.is(byFile.get(unsigned).status, 'invalid');
  assert.is(byFile.get(unsigned).error.code, 'SIGNATURE_MISSING');
  assert.is(byFile.get(tampered).error.code, 'SIGNATURE_INVALID');
  assert.is(byFile.get(untrusted).error.code, 'SIGNATURE_INVALID');
  assert.is(byFile.get(invalid).error.code, 'INVALID_MANIFEST');
  assert.is(byFile.get('bare.tar.gz').error.code, 'INVALID_MANIFEST');
  assert.is(byFile.get('bare.tar.gz').error.details.reason, 'missing');
  assert.equal(orphans, ['lost.tar.gz.sig']);
});

test('POST /:id/import imports the chosen packages into PreApproval and removes them from the folder', async () => {
  const good = await dropFixture(folder, FIXTURE.serverPatch2);
  const other = await dropFixture(folder, FIXTURE.clientPatch1);
  const untouched = await dropFixture(folder, FIXTURE.serverInstall);
  const { id } = await addFolder();
  const { status, body } = await provider.json('POST', `/api/v1/folders/${id}/import`, {
    files: [good, other],
  });
  assert.is(status, 200, JSON.stringify(body));
  assert.equal(
    body.results.map((result: any) => [result.file, result.outcome, result.removed]),
    [
      [good, 'imported', true],
      [other, 'imported', true],
    ],
  );
  for (const result of body.results) {
    assert.is(result.update.state, 'PreApproval');
    assert.is(result.update.signed, true);
    assert.is(result.update.fileName, result.file);
  }
  assert.equal(
    await folderNames(folder),
    [untouched, `${untouched}.manifest.json`, `${untouched}.sig`].sort(),
  );
  const updates = (await provider.json('GET', '/api/v1/updates')).body;
  assert.equal(updates.map((update: any) => update.fileName).sort(), [good, other].sort());
  const served = await fetch(`${provider.url}${provider.contentPath(body.results[0].update.sha256)}`);
  assert.is(served.status, 200);
  assert.is((await served.arrayBuffer()).byteLength, body.results[0].update.size);
});

test('an invalid package is not imported, stays in the folder, and the listing keeps the reason', async () => {
  const tampered = await dropFixture(folder, FIXTURE.tampered);
  const unsigned = await dropFixture(folder, FIXTURE.unsigned);
  const { id } = await addFolder();
  const { body } = await provider.json('POST', `/api/v1/folders/${id}/import`, {
    files: [tampered, unsigned],
  });
  assert.equal(
    body.results.map((result: any) => [result.outcome, result.error.code]),
    [
      ['rejected', 'SIGNATURE_INVALID'],
      ['rejected', 'SIGNATURE_MISSING'],
    ],
  );
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
  assert.is((await folderNames(folder)).length, 5);
  const { packages } = await listing(id);
  const entry = packages.find((candidate) => candidate.file === tampered);
  assert.is(entry.lastError.code, 'SIGNATURE_INVALID');
  assert.type(entry.lastError.at, 'string');
  const stored = await readdir(join(provider.dataDir, 'content'), { recursive: true, withFileTypes: true });
  assert.equal(
    stored.filter((entry) => entry.isFile()),
    [],
  );
});

test('import names must be plain names of packages in that folder; nothing is imported otherwise', async () => {
  const good = await dropFixture(folder, FIXTURE.serverPatch2);
  const { id } = await addFolder();
  for (const [files, reason] of [
    [[good, '../../etc/passwd'], 'not-a-plain-name'],
    [[good, `${folder}/${good}`], 'not-a-plain-name'],
    [[good, '..'], 'not-a-plain-name'],
    [[good, 'absent.tar.gz'], 'not-in-folder'],
    [[`${good}.manifest.json`], 'not-in-folder'],
  ] as const) {
    const { status, body } = await provider.json('POST', `/api/v1/folders/${id}/import`, { files });
    assert.is(status, 400, JSON.stringify(files));
    assert.is(body.error.details.field, 'files');
    assert.is(body.error.details.reason, reason);
  }
  assert.is((await provider.json('POST', `/api/v1/folders/${id}/import`, { files: [] })).status, 400);
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
  assert.ok((await folderNames(folder)).includes(good));
});

test('the same package found again is a duplicate: the catalog is unchanged and the copy leaves the folder', async () => {
  const good = await dropFixture(folder, FIXTURE.serverPatch2);
  const { id } = await addFolder();
  const first = await provider.json('POST', `/api/v1/folders/${id}/import`, { files: [good] });
  await dropFixture(folder, FIXTURE.serverPatch2);
  assert.is((await listing(id)).packages[0].status, 'inCatalog');
  const again = await provider.json('POST', `/api/v1/folders/${id}/import`, { files: [good] });
  assert.is(again.body.results[0].outcome, 'duplicate');
  assert.is(again.body.results[0].updateId, first.body.results[0].update.id);
  assert.is(again.body.results[0].removed, true);
  assert.is((await provider.json('GET', '/api/v1/updates')).body.length, 1);
  assert.equal(await folderNames(folder), []);
});

test('a package modified within the settle time is not ready and is left alone', async () => {
  const good = await dropFixture(folder, FIXTURE.serverPatch2, 0);
  const { id } = await addFolder();
  assert.is((await listing(id)).packages[0].status, 'notReady');
  const { body } = await provider.json('POST', `/api/v1/folders/${id}/import`, { files: [good] });
  assert.is(body.results[0].outcome, 'notReady');
  assert.ok((await folderNames(folder)).includes(good));
  assert.equal((await provider.json('GET', '/api/v1/updates')).body, []);
});

test('a folder that vanished is 400 unreadable on listing', async () => {
  const gone = join(folder, 'gone');
  await mkdir(gone);
  const { id } = await addFolder(gone);
  await cleanupFolder();
  const { status, body } = await provider.json('GET', `/api/v1/folders/${id}/packages`);
  assert.is(status, 400);
  assert.is(body.error.details.reason, 'unreadable');
});

test.run();
