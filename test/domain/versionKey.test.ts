import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { compareVersions } from '../../src/domain/Version.ts';
import { compareVersionKeys, versionKey } from '../../src/domain/versionKey.ts';

const key = suite('versionKey');

key('splits a version into release, rank and patch', () => {
  const parsed = versionKey('15.01.02.07');
  assert.equal(
    { text: parsed.text, release: parsed.release, rank: parsed.rank, patch: parsed.patch },
    {
      text: '15.01.02.07',
      release: 15 * 10_000 + 1,
      rank: 2 * 1_000_000 + 7,
      patch: 2,
    },
  );
});

key('returns the same frozen key for the same text', () => {
  assert.is(versionKey('16.02.03.04'), versionKey('16.02.03.04'));
  assert.ok(Object.isFrozen(versionKey('16.02.03.04')));
});

key('throws INVALID_VERSION for a malformed version', () => {
  try {
    versionKey('15.01.02');
    assert.unreachable('expected a PatchbayError');
  } catch (error) {
    assert.ok(isPatchbayError(error, 'INVALID_VERSION'));
  }
});

key.run();

const compare = suite('compareVersionKeys');

compare('orders exactly as compareVersions does, including the widest parts', () => {
  const texts = [
    '15.01.02.07',
    '15.01.10.00',
    '15.02.00.00',
    '9999.9999.999999.999999',
    '0.0.0.0',
    '15.01.02.10',
  ];
  for (const a of texts) {
    for (const b of texts) {
      assert.is(
        Math.sign(compareVersionKeys(versionKey(a), versionKey(b))),
        compareVersions(a, b),
        `${a} vs ${b}`,
      );
    }
  }
});

compare.run();
