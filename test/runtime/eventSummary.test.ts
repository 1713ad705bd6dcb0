import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventSummary } from '../../src/runtime/eventSummary.ts';

const test = suite('eventSummary');

test('keeps scalars and flat objects, and cuts lists down to their length', () => {
  const settings = { mode: 'automatic', installDay: 'everyday', installHour: 3 };
  const event = {
    type: 'CHECKED_IN',
    at: '2026-01-01T00:00:00.000Z',
    name: 'PC-1',
    ip: undefined,
    seq: 4,
    restart: false,
    settings,
    installed: [{ upgradeCode: 'U1' }, { upgradeCode: 'U2' }],
    pending: [{ updateId: 'p2' }],
    failures: [],
    nested: { group: { id: 'lab' } },
  };
  const summary = eventSummary(event);
  assert.equal(summary, {
    ...event,
    settings: { mode: 'automatic', installDay: 'everyday', installHour: 3 },
    installed: '[2 items]',
    pending: '[1 item]',
    failures: '[0 items]',
    nested: '{…}',
  });
  // Nothing of the event is held: the flat object is a copy, the lists are gone.
  assert.is.not(summary.settings, settings);
  settings.installHour = 4;
  assert.equal((summary.settings as typeof settings).installHour, 3);
});

test('an event with only scalars comes back equal', () => {
  const event = { type: 'install.succeeded', updateId: 'p2', at: '2026-01-01T00:00:00.000Z', seq: 2 };
  assert.equal(eventSummary(event), event);
});

test.run();
