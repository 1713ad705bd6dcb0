import type { MemberAction } from '../../machines/fleetMember.ts';
import type { InstalledApplication } from '../../src/domain/fleet.ts';

/** A machine's settings as the default group gives them. */
export const memberSettings = { mode: 'automatic', installDay: 'everyday', installHour: 3 } as const;

/** One installed product, Client 15.01.00.00, with no updates. */
export const installedClient: InstalledApplication = {
  upgradeCode: 'U1',
  productCode: 'P1',
  application: 'Client',
  productLine: 'CIC',
  version: '15.01.00.00',
  updates: [],
};

/** The plan action that installs Client's patch p2 (15.01.02.00). */
export const clientPatch: MemberAction = {
  kind: 'install',
  highPriority: false,
  updateId: 'p2',
  installType: 'Patch',
  version: '15.01.02.00',
  upgradeCode: 'U1',
  application: 'Client',
  productLine: 'CIC',
  productCode: 'P1',
};
