import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GROUP_MODES, INSTALL_DAYS, isGroupMode, isInstallDay } from '../../src/domain/fleet.ts';

const modes = suite('isGroupMode');

modes('accepts the four modes and nothing else', () => {
  assert.equal([...GROUP_MODES], ['automatic', 'download', 'notify', 'manual']);
  for (const mode of GROUP_MODES) assert.ok(isGroupMode(mode));
  for (const value of ['Automatic', '', 'auto', 3, undefined]) assert.not.ok(isGroupMode(value));
});

modes.run();

const days = suite('isInstallDay');

days('accepts everyday and the seven weekdays, in Date#getDay order after everyday', () => {
  assert.is(INSTALL_DAYS.length, 8);
  assert.is(INSTALL_DAYS[0], 'everyday');
  const sunday = new Date(2024, 0, 7);
  for (let offset = 0; offset < 7; offset++) {
    const day = new Date(2024, 0, 7 + offset);
    const name = day.toLocaleDateString('en-US', { weekday: 'long' }).toLowerCase();
    assert.is(INSTALL_DAYS[day.getDay() + 1], name);
    assert.ok(isInstallDay(name));
  }
  assert.is(sunday.getDay(), 0);
  for (const value of ['Sunday', 'weekend', 0, null]) assert.not.ok(isInstallDay(value));
});

days.run();
