import type { Group, GroupMode, InstallDay } from './fleet.ts';

/**
 * The client settings a machine runs with (the manual's Download Mode, Install Interval and Install
 * Time). In the default group a machine keeps what it reports; in any other group the group's win.
 *
 * @example { mode: 'automatic', installDay: 'sunday', installHour: 3 }
 */
export interface MachineSettings {
  mode: GroupMode;
  installDay: InstallDay;
  installHour: number;
}

/** The id of the group every machine starts in; it cannot be deleted. */
export const DEFAULT_GROUP_ID = 'default';

/** The settings part of a group. */
export function groupSettings(group: Pick<Group, 'mode' | 'installDay' | 'installHour'>): MachineSettings {
  return { mode: group.mode, installDay: group.installDay, installHour: group.installHour };
}

/** True when two settings are the same. */
export function sameSettings(a: MachineSettings, b: MachineSettings): boolean {
  return a.mode === b.mode && a.installDay === b.installDay && a.installHour === b.installHour;
}
