import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ifNoneMatchHits, ifRangeAllowsPartial, parseRange } from '../../src/domain/httpRange.ts';

const range = suite('parseRange');

range('no header, a malformed header or another unit is the full content', () => {
  for (const header of [undefined, '', 'bytes', 'bytes=', 'bytes=-', 'bytes=a-b', 'items=0-1', 'bytes=5-2']) {
    assert.equal(parseRange(header, 1000), { kind: 'full' }, String(header));
  }
});

range('bytes=a-b is the inclusive range, clipped to the size', () => {
  assert.equal(parseRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
  assert.equal(parseRange('bytes=900-5000', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.equal(parseRange('Bytes = 10-10', 1000), { kind: 'partial', start: 10, end: 10 });
});

range('bytes=a- runs to the end, as curl -C - asks', () => {
  assert.equal(parseRange('bytes=400-', 1000), { kind: 'partial', start: 400, end: 999 });
});

range('bytes=-n is the last n bytes, or all of them when n exceeds the size', () => {
  assert.equal(parseRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.equal(parseRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
});

range('a start at or past the end, a zero suffix, or any range of empty content is unsatisfiable', () => {
  assert.equal(parseRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=1000-2000', 1000), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=-10', 0), { kind: 'unsatisfiable' });
});

range('several ranges are served whole', () => {
  assert.equal(parseRange('bytes=0-1,5-6', 1000), { kind: 'full' });
});

range.run();

const noneMatch = suite('ifNoneMatchHits');

noneMatch('matches the tag in a list, weakly, or *', () => {
  assert.ok(ifNoneMatchHits('"a", "b"', '"b"'));
  assert.ok(ifNoneMatchHits('W/"b"', '"b"'));
  assert.ok(ifNoneMatchHits('*', '"b"'));
  assert.not.ok(ifNoneMatchHits('"a"', '"b"'));
  assert.not.ok(ifNoneMatchHits(undefined, '"b"'));
});

noneMatch.run();

const ifRange = suite('ifRangeAllowsPartial');

ifRange('only an absent header or the exact strong tag allow a partial response', () => {
  assert.ok(ifRangeAllowsPartial(undefined, '"b"'));
  assert.ok(ifRangeAllowsPartial('"b"', '"b"'));
  assert.not.ok(ifRangeAllowsPartial('W/"b"', '"b"'));
  assert.not.ok(ifRangeAllowsPartial('"a"', '"b"'));
  assert.not.ok(ifRangeAllowsPartial('Wed, 21 Oct 2015 07:28:00 GMT', '"b"'));
});

ifRange.run();
