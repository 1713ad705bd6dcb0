import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import {
  compareVersions,
  formatPatchLabel,
  formatRelease,
  parsePatchLabel,
  parseRelease,
  Version,
} from '../../src/domain/Version.ts';

const test = suite('Version');

test('parse reads the four parts of MM.mm.PP.BB', () => {
  const version = Version.parse('15.01.02.07');
  assert.equal([version.major, version.minor, version.patch, version.build], [15, 1, 2, 7]);
});

test('toString pads each part to two digits', () => {
  assert.is(Version.of(15, 1, 2, 7).toString(), '15.01.02.07');
  assert.is(Version.parse('4.6.364.0').toString(), '04.06.364.00');
});

test('compare is numeric, not textual (15.01.10.00 is newer than 15.01.02.07)', () => {
  assert.is(compareVersions('15.01.10.00', '15.01.02.07'), 1);
  assert.is(compareVersions('15.01.02.07', '15.01.10.00'), -1);
  assert.is(compareVersions('15.1.2.7', '15.01.02.07'), 0);
  assert.is(compareVersions('16.00.00.00', '15.99.99.99'), 1);
});

test('sorting with compareVersions orders by every part', () => {
  const sorted = ['15.02.00.01', '15.01.10.00', '15.01.02.07', '15.01.02.10'].sort(compareVersions);
  assert.equal(sorted, ['15.01.02.07', '15.01.02.10', '15.01.10.00', '15.02.00.01']);
});

for (const bad of ['', '15.01.02', '15.01.02.07.1', 'a.b.c.d', '15.01.02.-1', ' 15.01.02.07', '15..02.07']) {
  test(`parse refuses ${JSON.stringify(bad)} with INVALID_VERSION`, () => {
    assert.is(Version.isValid(bad), false);
    try {
      Version.parse(bad);
      assert.unreachable();
    } catch (error) {
      assert.ok(isPatchbayError(error, 'INVALID_VERSION'));
    }
  });
}

test('release name "2015 R1" ↔ 15.01', () => {
  assert.equal(parseRelease('2015 R1'), { major: 15, minor: 1 });
  assert.is(formatRelease(15, 1), '2015 R1');
  assert.is(Version.parse('15.01.02.07').releaseName, '2015 R1');
  assert.ok(Version.parse('15.01.02.07').sameRelease(Version.parse('15.01.00.01')));
  assert.not.ok(Version.parse('15.02.00.01').sameRelease(Version.parse('15.01.00.01')));
});

test('release names of another shape are INVALID_VERSION', () => {
  for (const bad of ['2015R1', '15 R1', '2015 R', '1999 R1', '2015 r1']) {
    assert.throws(
      () => parseRelease(bad),
      (error: unknown) => isPatchbayError(error, 'INVALID_VERSION'),
      bad,
    );
  }
});

test('patch label "GA Install" is patch 0 and "PatchN" is N', () => {
  assert.is(parsePatchLabel('GA Install'), 0);
  assert.is(parsePatchLabel('Patch2'), 2);
  assert.is(formatPatchLabel(0), 'GA Install');
  assert.is(formatPatchLabel(12), 'Patch12');
  for (const bad of ['Patch0', 'patch2', 'Patch', 'GA']) {
    assert.throws(
      () => parsePatchLabel(bad),
      (error: unknown) => isPatchbayError(error, 'INVALID_VERSION'),
      bad,
    );
  }
});

test('Version.of refuses non-integers as a programming mistake', () => {
  assert.throws(() => Version.of(1.5, 0, 0, 0), TypeError);
});

test.run();
