import type { IndexedUpdate, ProductEntry } from './catalogIndex.ts';
import type { InstalledApplication } from './fleet.ts';
import { compareVersionKeys } from './versionKey.ts';

/**
 * The version a machine returns to when `removed` is uninstalled from `app`: the newest version of
 * the product older than `removed` that is not itself in Remove and that the machine plausibly had.
 * Undefined when nothing older is known, meaning the product is uninstalled.
 *
 * "Plausibly had": when the agent reports the updates applied on top of the product
 * (`app.updates` non-empty), a Patch or ES of the removed update's own release counts only if it is
 * in that list, because patches are cumulative and a machine may have jumped straight from the
 * release install to a later patch. Release installs, and anything of another release, always count.
 * Without that list every older version counts (the previous patch, else the release install).
 *
 * @example rollbackTarget(patch3, { …, version: '15.01.03.00', updates: [] }, product) // '15.01.02.00'
 */
export function rollbackTarget(
  removed: IndexedUpdate,
  app: InstalledApplication,
  product: ProductEntry,
): string | undefined {
  const knowsHistory = app.updates.length > 0;
  for (const candidate of product.rollbackCandidates) {
    if (compareVersionKeys(candidate.key, removed.key) >= 0) continue;
    if (
      !knowsHistory ||
      candidate.update.installType === 'Install' ||
      candidate.key.release !== removed.key.release ||
      app.updates.includes(candidate.update.id)
    ) {
      return candidate.update.version;
    }
  }
  return undefined;
}
