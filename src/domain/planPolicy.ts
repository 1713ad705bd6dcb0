import type { Update } from './update.ts';
import { compareVersionKeys, type VersionKey, versionKey } from './versionKey.ts';

/**
 * What the provider, not the catalog, decides about plans.
 *
 * @example { platformVersions: { CIC: '15.02.00.00' }, updatesAllowed: true }
 */
export interface PlanPolicy {
  /**
   * The platform (server) version the provider runs, per product line. An update newer than its
   * product line's platform version is held back; a product line missing here holds nothing back.
   * A malformed version here throws INVALID_VERSION when a plan reads it: validate it at startup.
   */
  platformVersions: Record<string, string>;
  /** The license gate (the manual's I3_FEATURE_SU_ALLOWED): false offers no installs. Default true. */
  updatesAllowed?: boolean;
}

/** True when `key`, a version of `productLine`, is newer than the platform version configured for it. */
export function isHeldBack(key: VersionKey, productLine: string, policy: PlanPolicy): boolean {
  const platform = policy.platformVersions[productLine];
  return platform !== undefined && compareVersionKeys(key, versionKey(platform)) > 0;
}

/**
 * Why an update does not download to client machines because of the platform version, or undefined
 * when it is not held back. The text follows the manual's Updates page status.
 *
 * @example heldBackReason(update, { platformVersions: { CIC: '15.01.00.00' } })
 * // 'The server is using an earlier version (CIC 15.01.00.00) than this update (15.02.00.00). …'
 */
export function heldBackReason(update: Update, policy: PlanPolicy): string | undefined {
  if (!isHeldBack(versionKey(update.version), update.productLine, policy)) return undefined;
  const platform = policy.platformVersions[update.productLine];
  return (
    `The server is using an earlier version (${update.productLine} ${platform}) than this update ` +
    `(${update.version}). This update does not download to client machines.`
  );
}
