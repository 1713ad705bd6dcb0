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
  return `p-${fnv1a64(canonicalJson(extra === undefined ? [actions] : [actions, extra]))}`;
}
