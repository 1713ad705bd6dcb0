import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ZodError } from 'zod';
import { manifestSchema, parseManifest } from '../../src/domain/manifestSchema.ts';
import { testManifest } from '../helpers/testProvider.ts';

const test = suite('manifestSchema');

function fieldOf(value: unknown): string | undefined {
  const result = manifestSchema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]!.path.join('.');
}

test('a well-formed Patch manifest parses, with installProperties kept', () => {
  const manifest = parseManifest(testManifest());
  assert.is(manifest.version, '25.01.01.03');
  assert.equal(manifest.installProperties, { LOGLEVEL: 'info' });
});

test('a release Install is labelled "GA Install" with patch number 0', () => {
  assert.is(
    fieldOf(testManifest({ installType: 'Install', patch: 'GA Install', version: '25.01.00.01' })),
    undefined,
  );
  assert.is(fieldOf(testManifest({ installType: 'Install', patch: 'Patch1' })), 'patch');
  assert.is(
    fieldOf(testManifest({ installType: 'Patch', patch: 'GA Install', version: '25.01.00.01' })),
    'patch',
  );
});

test('an ES carries the patch label of the patch it sits on', () => {
  assert.is(fieldOf(testManifest({ installType: 'ES', patch: 'Patch2', version: '25.01.02.09' })), undefined);
});

test('each missing required field is named', () => {
  for (const field of [
    'application',
    'productLine',
    'release',
    'patch',
    'installType',
    'version',
    'upgradeCode',
    'productCode',
  ]) {
    const manifest = testManifest();
    delete manifest[field];
    assert.is(fieldOf(manifest), field, field);
  }
});

test('a bad version string is refused on the version field', () => {
  assert.is(fieldOf(testManifest({ version: '25.1' })), 'version');
});

test('a version outside its release is refused', () => {
  assert.is(fieldOf(testManifest({ version: '25.02.01.03' })), 'version');
});

test('a version whose patch number differs from the label is refused', () => {
  assert.is(fieldOf(testManifest({ version: '25.01.03.03' })), 'version');
});

test('a declared sha256 must be 64 hex characters and is lower-cased', () => {
  assert.is(fieldOf(testManifest({ sha256: 'abc' })), 'sha256');
  const upper = 'A'.repeat(64);
  assert.is(parseManifest(testManifest({ sha256: upper })).sha256, 'a'.repeat(64));
});

test('an unknown installType is refused', () => {
  assert.is(fieldOf(testManifest({ installType: 'Hotfix' })), 'installType');
});

test('parseManifest throws a ZodError for the http layer to map', () => {
  assert.throws(
    () => parseManifest({}),
    (error: unknown) => error instanceof ZodError,
  );
});

test.run();
