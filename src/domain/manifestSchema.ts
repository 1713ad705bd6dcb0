import { z } from 'zod';
import { INSTALL_TYPES, type UpdateManifest } from './update.ts';
import { GA_INSTALL_LABEL, parsePatchLabel, parseRelease, Version } from './Version.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const shortText = z.string().trim().min(1).max(256);

/**
 * The schema of a package manifest (the `manifest` part of an upload, or `<file>.manifest.json`).
 * Besides field shapes it checks that release, patch label, install type and version agree:
 * "2015 R1" / "Patch2" / Patch must carry a 15.01.02.x version.
 */
export const manifestSchema = z
  .object({
    application: shortText,
    productLine: shortText,
    release: shortText,
    patch: shortText,
    installType: z.enum(INSTALL_TYPES),
    version: z.string().refine(Version.isValid, 'must be a version of the form MM.mm.PP.BB'),
    upgradeCode: shortText,
    productCode: shortText,
    installProperties: z.record(z.string().max(256), z.string().max(4096)).default({}),
    documentationUrl: z.url().max(2048).optional(),
    sha256: z.string().toLowerCase().regex(SHA256_HEX, 'must be 64 hex characters').optional(),
  })
  .superRefine((manifest, ctx) => {
    if (!Version.isValid(manifest.version)) return;
    const version = Version.parse(manifest.version);
    let release: { major: number; minor: number };
    try {
      release = parseRelease(manifest.release);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['release'], message: 'must be a release name like "2015 R1"' });
      return;
    }
    if (release.major !== version.major || release.minor !== version.minor) {
      ctx.addIssue({
        code: 'custom',
        path: ['version'],
        message: `does not belong to release ${manifest.release}`,
      });
    }
    let patch: number;
    try {
      patch = parsePatchLabel(manifest.patch);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['patch'], message: `must be "${GA_INSTALL_LABEL}" or "PatchN"` });
      return;
    }
    if ((manifest.installType === 'Install') !== (patch === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['patch'],
        message: `an ${manifest.installType} must ${manifest.installType === 'Install' ? '' : 'not '}be labelled "${GA_INSTALL_LABEL}"`,
      });
    }
    if (version.patch !== patch) {
      ctx.addIssue({
        code: 'custom',
        path: ['version'],
        message: `patch number differs from ${manifest.patch}`,
      });
    }
  });

/** Validates an unknown value as a manifest (throws ZodError; http maps it to INVALID_MANIFEST). */
export function parseManifest(value: unknown): UpdateManifest {
  return manifestSchema.parse(value) as UpdateManifest;
}
