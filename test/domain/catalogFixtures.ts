import type { InstalledApplication } from '../../src/domain/fleet.ts';
import type { PlanGroup } from '../../src/domain/planActions.ts';
import type { Update } from '../../src/domain/update.ts';
import { formatPatchLabel, formatRelease, Version } from '../../src/domain/Version.ts';

/**
 * A catalog update for tests: release, patch label and install type follow from the version
 * (patch 0 is the release Install); everything else can be overridden.
 */
export function makeUpdate(fields: Partial<Update> & { id: string; version: string }): Update {
  const version = Version.parse(fields.version);
  return {
    application: 'Client',
    productLine: 'CIC',
    release: formatRelease(version.major, version.minor),
    patch: formatPatchLabel(version.patch),
    installType: version.patch === 0 ? 'Install' : 'Patch',
    upgradeCode: 'U-CLIENT',
    productCode: `P-${version.major}-${version.minor}`,
    installProperties: {},
    fileName: `${fields.id}.tar.gz`,
    size: 1,
    sha256: '0'.repeat(64),
    signed: false,
    state: 'GA',
    highPriority: false,
    insertedAt: '2024-01-01T00:00:00.000Z',
    relatedInstalls: [],
    activations: 0,
    ...fields,
  };
}

/** An installed application for tests (product Client, line CIC unless overridden). */
export function makeInstalled(
  fields: Partial<InstalledApplication> & { version: string },
): InstalledApplication {
  return {
    upgradeCode: 'U-CLIENT',
    productCode: 'P',
    application: 'Client',
    productLine: 'CIC',
    updates: [],
    ...fields,
  };
}

/** The group settings plans are made under in tests. */
export const GROUP: PlanGroup = { id: 'default', mode: 'automatic', installDay: 'everyday', installHour: 3 };
