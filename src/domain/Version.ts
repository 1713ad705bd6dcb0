import { PatchbayError } from './PatchbayError.ts';

const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})\.(\d{1,6})\.(\d{1,6})$/;
const RELEASE_PATTERN = /^(\d{4}) R(\d{1,2})$/;
const PATCH_PATTERN = /^Patch(\d{1,4})$/;

/** The patch label of a release install, as the manual writes it. */
export const GA_INSTALL_LABEL = 'GA Install';

/**
 * A product version MM.mm.PP.BB: major (year − 2000), minor (release), patch, build.
 * Parts compare numerically, so 15.01.10.00 is newer than 15.01.02.07.
 *
 * @example Version.parse('15.01.02.07').compare(Version.parse('15.01.10.00')) // -1
 */
export class Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly build: number;

  private constructor(major: number, minor: number, patch: number, build: number) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.build = build;
  }

  /** Parses MM.mm.PP.BB, throwing INVALID_VERSION for anything else. */
  static parse(text: string): Version {
    const match = VERSION_PATTERN.exec(text);
    if (!match) {
      throw new PatchbayError(`"${text}" is not a version of the form MM.mm.PP.BB`, {
        code: 'INVALID_VERSION',
        details: { version: text },
      });
    }
    return new Version(Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4]));
  }

  /** True when `text` parses as a version. */
  static isValid(text: string): boolean {
    return VERSION_PATTERN.test(text);
  }

  /** Builds a version from its four numeric parts. */
  static of(major: number, minor: number, patch: number, build: number): Version {
    for (const part of [major, minor, patch, build]) {
      if (!Number.isInteger(part) || part < 0) {
        throw new TypeError(`Expected version parts to be non-negative integers, got \`${part}\``);
      }
    }
    return new Version(major, minor, patch, build);
  }

  /** −1, 0 or 1 as this version is older than, equal to or newer than `other`. */
  compare(other: Version): -1 | 0 | 1 {
    const pairs = [
      [this.major, other.major],
      [this.minor, other.minor],
      [this.patch, other.patch],
      [this.build, other.build],
    ];
    for (const [mine, theirs] of pairs) {
      if (mine !== theirs) return mine < theirs ? -1 : 1;
    }
    return 0;
  }

  /** True when this version and `other` belong to the same release (same MM.mm). */
  sameRelease(other: Version): boolean {
    return this.major === other.major && this.minor === other.minor;
  }

  /** The release name, e.g. "2015 R1" for 15.01.x.x. */
  get releaseName(): string {
    return formatRelease(this.major, this.minor);
  }

  /** MM.mm.PP.BB with two-digit zero padding, e.g. "15.01.02.07". */
  toString(): string {
    return [this.major, this.minor, this.patch, this.build]
      .map((part) => String(part).padStart(2, '0'))
      .join('.');
  }
}

/** Compares two version strings numerically; usable directly as a sort comparator. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  return Version.parse(a).compare(Version.parse(b));
}

/** "2015 R1" → { major: 15, minor: 1 }; throws INVALID_VERSION for another shape. */
export function parseRelease(name: string): { major: number; minor: number } {
  const match = RELEASE_PATTERN.exec(name);
  if (!match) {
    throw new PatchbayError(`"${name}" is not a release name like "2015 R1"`, {
      code: 'INVALID_VERSION',
      details: { release: name },
    });
  }
  const year = Number(match[1]);
  if (year < 2000 || year > 2099) {
    throw new PatchbayError(`release year ${year} is outside 2000–2099`, {
      code: 'INVALID_VERSION',
      details: { release: name },
    });
  }
  return { major: year - 2000, minor: Number(match[2]) };
}

/** { major: 15, minor: 1 } → "2015 R1". */
export function formatRelease(major: number, minor: number): string {
  return `${2000 + major} R${minor}`;
}

/** "GA Install" → 0, "Patch3" → 3; throws INVALID_VERSION for another label. */
export function parsePatchLabel(label: string): number {
  if (label === GA_INSTALL_LABEL) return 0;
  const match = PATCH_PATTERN.exec(label);
  if (!match || Number(match[1]) === 0) {
    throw new PatchbayError(`"${label}" is not a patch label ("GA Install" or "PatchN")`, {
      code: 'INVALID_VERSION',
      details: { patch: label },
    });
  }
  return Number(match[1]);
}

/** 0 → "GA Install", 3 → "Patch3". */
export function formatPatchLabel(patch: number): string {
  return patch === 0 ? GA_INSTALL_LABEL : `Patch${patch}`;
}
