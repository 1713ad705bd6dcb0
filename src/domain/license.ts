import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonicalJson.ts';
import { PatchbayError } from './PatchbayError.ts';

/** The feature that lets agents install updates (the manual's I3_FEATURE_SU_ALLOWED). */
export const UPDATES_FEATURE = 'updates';
/** The report note of a machine whose installs the license gate withholds. */
export const LICENSE_GATE_NOTE = 'license does not allow updates';

const licenseSchema = z.object({
  licensee: z.string().min(1).max(256),
  features: z.array(z.string().min(1).max(64)).max(256),
  /** The last day the license is valid, `YYYY-MM-DD` (UTC), inclusive. */
  expires: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
const fileSchema = z.object({ license: licenseSchema, signature: z.string().min(1).max(200) });

/** What a license grants. */
export type License = z.infer<typeof licenseSchema>;

/** A license file: the license and an Ed25519 signature (base64) of its canonical JSON. */
export interface LicenseFile {
  license: License;
  signature: string;
}

/** What the license gate decides for plans and the report. */
export interface LicenseGate {
  updatesAllowed: boolean;
  /** Set when updates are withheld: the report note. */
  note?: string;
}

function ed25519(pem: string, kind: 'public' | 'private'): KeyObject {
  let key: KeyObject;
  try {
    key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
  } catch (cause) {
    throw new PatchbayError(`the license ${kind} key is not a key in PEM form`, {
      code: 'SIGNING_KEY_INVALID',
      cause,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PatchbayError(`the license ${kind} key must be Ed25519`, { code: 'SIGNING_KEY_INVALID' });
  }
  return key;
}

function invalid(message: string, cause?: unknown): PatchbayError {
  return new PatchbayError(message, { code: 'LICENSE_INVALID', cause });
}

/**
 * Signs a license with the issuer's Ed25519 private key (PEM). The signature covers the canonical
 * JSON of the license, so reformatting the file does not break it but changing any field does.
 *
 * @example signLicense({ licensee: 'Acme', features: ['updates'] }, privateKeyPem)
 */
export function signLicense(license: License, privateKeyPem: string): LicenseFile {
  const checked = licenseSchema.parse(license);
  const signature = sign(
    null,
    Buffer.from(canonicalJson(checked), 'utf8'),
    ed25519(privateKeyPem, 'private'),
  );
  return { license: checked, signature: signature.toString('base64') };
}

/**
 * Parses a license file's text and verifies its signature with the license public key (PEM).
 * LICENSE_INVALID for malformed JSON, a missing field or a signature that does not verify;
 * SIGNING_KEY_INVALID for a key that is not Ed25519. Expiry is not checked here (see {@link licenseGate}).
 */
export function verifyLicense(text: string, publicKeyPem: string): License {
  const key = ed25519(publicKeyPem, 'public');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw invalid('the license file is not JSON', cause);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw invalid(`the license file is malformed: ${parsed.error.issues[0]?.message}`);
  const signature = Buffer.from(parsed.data.signature, 'base64');
  const signed = Buffer.from(canonicalJson(parsed.data.license), 'utf8');
  if (signature.length !== 64 || !verify(null, signed, key, signature)) {
    throw invalid('the license signature does not verify with the license key');
  }
  return parsed.data.license;
}

/**
 * The entitlement gate. Without a license nothing is gated; with one, installs need the `updates`
 * feature and an expiry date not yet past (the license is valid through its `expires` day, UTC).
 *
 * @example licenseGate({ licensee: 'Acme', features: [] }, new Date()) // { updatesAllowed: false, note: 'license does not allow updates' }
 */
export function licenseGate(license: License | undefined, now: Date): LicenseGate {
  if (license === undefined) return { updatesAllowed: true };
  const expired =
    license.expires !== undefined && now.getTime() >= Date.parse(`${license.expires}T00:00:00Z`) + 86_400_000;
  if (!expired && license.features.includes(UPDATES_FEATURE)) return { updatesAllowed: true };
  return { updatesAllowed: false, note: LICENSE_GATE_NOTE };
}
