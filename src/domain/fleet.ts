/** How a group's machines take updates (the agent's modes, ARCHITECTURE.md "Modes"). */
export const GROUP_MODES = ['automatic', 'download', 'notify', 'manual'] as const;
/** One update mode: automatic, download, notify or manual. */
export type GroupMode = (typeof GROUP_MODES)[number];

/** The days an install window can fall on; `everyday` matches all seven. Index 1–7 is `Date#getDay()` + 1. */
export const INSTALL_DAYS = [
  'everyday',
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
/** One install day. */
export type InstallDay = (typeof INSTALL_DAYS)[number];

/**
 * A group of machines sharing settings: the shape of API.md.
 *
 * @example { id: 'north', name: 'North', mode: 'automatic', installDay: 'sunday', installHour: 3, providers: [] }
 */
export interface Group {
  id: string;
  name: string;
  mode: GroupMode;
  installDay: InstallDay;
  /** 0–23, machine-local. */
  installHour: number;
  providers: string[];
}

/**
 * An application installed on a machine, as its agent reports it (API.md).
 * `updates` lists the ids of the updates applied on top of the installed product.
 *
 * @example { upgradeCode: 'U1', productCode: 'P1', application: 'Client', productLine: 'CIC', version: '15.01.02.07', updates: ['u-p2'] }
 */
export interface InstalledApplication {
  upgradeCode: string;
  productCode: string;
  application: string;
  productLine: string;
  version: string;
  updates: string[];
}

/** True when `value` names a group mode. */
export function isGroupMode(value: unknown): value is GroupMode {
  return typeof value === 'string' && (GROUP_MODES as readonly string[]).includes(value);
}

/** True when `value` names an install day. */
export function isInstallDay(value: unknown): value is InstallDay {
  return typeof value === 'string' && (INSTALL_DAYS as readonly string[]).includes(value);
}
