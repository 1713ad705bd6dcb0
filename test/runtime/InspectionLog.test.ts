import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InspectionLog } from '../../src/runtime/InspectionLog.ts';

const test = suite('InspectionLog');

test('records carry increasing sequence numbers and the ISO time they were appended at', async () => {
  const log = new InspectionLog(100);
  const before = Date.now();
  for (let i = 0; i < 20; i++) {
    log.append({ kind: 'k', id: 'a', type: 'event', event: { type: `e${i}` } });
    // Until the clock has moved 5 ms on (a timer may fire early against a fresh Date.now()).
    if (i === 10) while (Date.now() < before + 5) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const after = Date.now();
  const records = log.recent('k', 'a', 100);
  assert.equal(
    records.map((record) => record.seq),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const times = records.map((record) => Date.parse(record.at));
  for (const [i, time] of times.entries()) {
    assert.is(new Date(time).toISOString(), records[i]!.at);
    assert.ok(time >= before && time <= after, `${records[i]!.at} outside the append window`);
    if (i > 0) assert.ok(time >= times[i - 1]!);
  }
  // The pause in between shows up: the time is read per record, not once per log.
  assert.ok(times[19]! - times[0]! >= 5);
});

test('a full log drops its oldest records', () => {
  const log = new InspectionLog(3);
  for (let i = 0; i < 5; i++) log.append({ kind: 'k', id: 'a', type: 'event', event: { type: `e${i}` } });
  assert.equal(
    log.recent('k', 'a').map((record) => record.event?.type),
    ['e2', 'e3', 'e4'],
  );
});

test.run();
