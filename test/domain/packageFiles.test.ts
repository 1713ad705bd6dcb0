import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  groupPackageFiles,
  isPlainFileName,
  isSidecarName,
  isTemporaryName,
  manifestNameFor,
  signatureNameFor,
} from '../../src/domain/packageFiles.ts';

const names = suite('manifestNameFor / signatureNameFor / isSidecarName');

names('sidecars append their suffix to the full file name', () => {
  assert.is(manifestNameFor('server-25.01.00.10.tar.gz'), 'server-25.01.00.10.tar.gz.manifest.json');
  assert.is(signatureNameFor('server-25.01.00.10.tar.gz'), 'server-25.01.00.10.tar.gz.sig');
});

names('sidecar names are recognised, package names are not', () => {
  assert.ok(isSidecarName('a.tar.gz.sig'));
  assert.ok(isSidecarName('a.tar.gz.manifest.json'));
  assert.not.ok(isSidecarName('a.tar.gz'));
  assert.not.ok(isSidecarName('manifest.json.tar.gz'));
});

const temporary = suite('isTemporaryName');

temporary('partial downloads, editor and hidden files are temporary', () => {
  for (const name of [
    'a.tar.gz.part',
    'a.tmp',
    'a.TMP',
    'a.crdownload',
    'a.tar.gz~',
    '.a.tar.gz',
    '#a#',
    'Thumbs.db',
  ]) {
    assert.ok(isTemporaryName(name), name);
  }
});

temporary('ordinary package names are not temporary', () => {
  for (const name of ['a.tar.gz', 'setup.msi', 'fix.msp', 'a.tar.gz.sig', 'a.tar.gz.manifest.json']) {
    assert.not.ok(isTemporaryName(name), name);
  }
});

const group = suite('groupPackageFiles');

group('attaches both sidecars to their package', () => {
  const listing = groupPackageFiles(['a.tar.gz.sig', 'a.tar.gz', 'a.tar.gz.manifest.json']);
  assert.equal(listing, {
    packages: [{ file: 'a.tar.gz', manifest: 'a.tar.gz.manifest.json', signature: 'a.tar.gz.sig' }],
    orphans: [],
  });
});

group('a package without sidecars is listed without them', () => {
  assert.equal(groupPackageFiles(['b.zip']).packages, [{ file: 'b.zip' }]);
});

group('packages come sorted by file name', () => {
  const files = groupPackageFiles(['c.tgz', 'a.tgz', 'b.tgz']).packages.map((entry) => entry.file);
  assert.equal(files, ['a.tgz', 'b.tgz', 'c.tgz']);
});

group('sidecars without a package are orphans, never packages', () => {
  const listing = groupPackageFiles(['x.tar.gz.manifest.json', 'x.tar.gz.sig', 'y.tar.gz']);
  assert.equal(listing.packages, [{ file: 'y.tar.gz' }]);
  assert.equal(listing.orphans, ['x.tar.gz.manifest.json', 'x.tar.gz.sig']);
});

group('temporary files are ignored, and so are sidecars of a temporary file', () => {
  const listing = groupPackageFiles([
    'a.tar.gz.part',
    'a.tar.gz.manifest.json',
    '.hidden',
    'a.tar.gz.sig.tmp',
  ]);
  assert.equal(listing.packages, []);
  assert.equal(listing.orphans, ['a.tar.gz.manifest.json']);
});

group('a name listed twice is one package', () => {
  assert.equal(groupPackageFiles(['a.tgz', 'a.tgz']).packages, [{ file: 'a.tgz' }]);
});

names.run();
temporary.run();
group.run();

const plain = suite('isPlainFileName');

plain('accepts bare names and refuses separators, dot names, control characters and non-strings', () => {
  for (const name of ['a.tar.gz', 'demo server (1).msi', '..a', 'a..'])
    assert.ok(isPlainFileName(name), name);
  for (const name of [
    '',
    '.',
    '..',
    '../x',
    'a/b',
    'a\\b',
    '/etc/passwd',
    'a\u0000b',
    'a\nb',
    'x'.repeat(256),
    7,
    null,
  ]) {
    assert.not.ok(isPlainFileName(name), String(name));
  }
});

plain.run();
