import { Version } from './Version.ts';

/**
 * A version reduced to two exact numbers so hot paths compare without re-parsing:
 * `release` = major·10⁴ + minor (the MM.mm release), `rank` = patch·10⁶ + build.
 * Both stay far below 2⁵³, so comparisons are exact.
 */
export interface VersionKey {
  readonly text: string;
  readonly release: number;
  readonly rank: number;
  /** The PP part: which patch of the release this version belongs to (0 for a release install). */
  readonly patch: number;
}

// A fleet reports a handful of distinct version strings a million times over, so parsing is memoised.
// The bound keeps a hostile or unusual fleet from growing the memo without limit.
const MEMO_LIMIT = 4096;
const memo = new Map<string, VersionKey>();

/**
 * The key of a MM.mm.PP.BB version string; throws INVALID_VERSION like `Version.parse`.
 *
 * @example versionKey('15.01.02.07') // { release: 150001, rank: 2000007, patch: 2, … }
 */
export function versionKey(text: string): VersionKey {
  const known = memo.get(text);
  if (known !== undefined) return known;
  const version = Version.parse(text);
  const key: VersionKey = Object.freeze({
    text,
    release: version.major * 10_000 + version.minor,
    rank: version.patch * 1_000_000 + version.build,
    patch: version.patch,
  });
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, key);
  return key;
}

/**
 * Negative, zero or positive as `a` is older than, equal to or newer than `b`; a sort comparator.
 *
 * @example compareVersionKeys(versionKey('15.01.02.07'), versionKey('15.01.10.00')) < 0 // true
 */
export function compareVersionKeys(a: VersionKey, b: VersionKey): number {
  return a.release - b.release || a.rank - b.rank;
}
