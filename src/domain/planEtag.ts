import { canonicalJson } from './canonicalJson.ts';
import { fnv1a64 } from './fnv1a64.ts';
import type { PlanAction } from './planActions.ts';

/**
 * A short, stable tag of a plan (and of anything else the reply depends on, passed as `extra`, such
 * as the settings), so the provider can answer `unchanged` when a machine already holds this plan.
 * Equal inputs give equal tags whatever their key order; a different order of actions is a different plan.
 *
 * @example planEtag(actions, { settings }) // 'p-85944171f73967e8'
 */
export function planEtag(actions: readonly PlanAction[], extra?: unknown): string {
  // Actions have a fixed shape, so a positional encoding is canonical and lets JSON.stringify's fast
  // path do the work; only the free-form `extra` needs key sorting.
  const rows = actions.map((action) => [
    action.kind,
    action.highPriority,
    action.updateId,
    action.installType,
    action.version,
    action.upgradeCode,
    action.rollbackTo ?? null,
    action.relatedTo ?? null,
  ]);
  const text =
    extra === undefined ? JSON.stringify(rows) : `${JSON.stringify(rows)}\n${canonicalJson(extra)}`;
  return `p-${fnv1a64(text)}`;
}
