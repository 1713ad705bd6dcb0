import { PatchbayError } from './PatchbayError.ts';
import { matchSigningKey, publicKeyId } from './packageSignature.ts';
import { parseSignatureFile } from './signatureFile.ts';

/** What the import path knows about a package's signature before deciding. */
export interface SignatureCheck {
  /** The package file's SHA-256 (64 hex characters), as hashed from its bytes. */
  sha256: string;
  /** The bytes of `<file>.sig` (or the upload's signature part); undefined when there is none. */
  signatureFile: Uint8Array | undefined;
  /** The provider's trusted Ed25519 public keys in PEM form. */
  trustedPublicKeysPem: string[];
  /** The VerifyDigitalSignature policy: when true, only packages signed by a trusted key pass. */
  required: boolean;
}

/** The outcome of a passed check: whether a trusted key verified the package, and which. */
export interface SignatureVerdict {
  signed: boolean;
  keyId?: string;
}

/**
 * Applies the VerifyDigitalSignature policy to one package, for folder imports and uploads alike.
 * With the policy on, a package without a signature throws SIGNATURE_MISSING and one that no
 * trusted key verifies (or whose signature file is malformed) throws SIGNATURE_INVALID. With the
 * policy off nothing is rejected: the verdict only records whether a trusted key verified it.
 *
 * @example checkPackageSignature({ sha256, signatureFile, trustedPublicKeysPem: [pem], required: true })
 * // { signed: true, keyId: 'c0ffee0123456789' }
 */
export function checkPackageSignature(check: SignatureCheck): SignatureVerdict {
  const { sha256, signatureFile, trustedPublicKeysPem, required } = check;
  if (signatureFile === undefined) {
    if (!required) return { signed: false };
    throw new PatchbayError('the package has no signature and signature verification is on', {
      code: 'SIGNATURE_MISSING',
      details: { sha256 },
    });
  }
  let keyId: string | undefined;
  try {
    keyId = matchSigningKey(sha256, parseSignatureFile(signatureFile).signature, trustedPublicKeysPem);
  } catch (error) {
    if (!required && error instanceof PatchbayError && error.code === 'SIGNATURE_INVALID') {
      return { signed: false };
    }
    throw error;
  }
  if (keyId !== undefined) return { signed: true, keyId };
  if (!required) return { signed: false };
  const noKeys = trustedPublicKeysPem.length === 0;
  throw new PatchbayError(
    noKeys
      ? 'signature verification is on but no trusted keys are configured'
      : 'the package signature does not verify with any trusted key',
    { code: 'SIGNATURE_INVALID', details: { sha256, reason: noKeys ? 'no-trusted-keys' : 'untrusted' } },
  );
}

/** Options of {@link createSignaturePolicy}. */
export interface SignaturePolicyOptions {
  /** The provider's trusted Ed25519 public keys in PEM form. */
  trustedPublicKeysPem: string[];
  /** VerifyDigitalSignature: on by default. */
  required?: boolean;
}

/**
 * The VerifyDigitalSignature policy as an object with `check(sha256, signature)`, the shape
 * src/provider/signaturePolicy.ts declares (`importPackage` calls it for uploads and folders).
 * Every trusted key is parsed here, so a broken key fails at startup with SIGNING_KEY_INVALID
 * rather than on the first import.
 *
 * @example createSignaturePolicy({ trustedPublicKeysPem: [pem] }).check(sha256, sigBytes) // { signed: true }
 */
export function createSignaturePolicy(options: SignaturePolicyOptions): {
  check(sha256: string, signature: Uint8Array | undefined): SignatureVerdict;
} {
  const trustedPublicKeysPem = [...options.trustedPublicKeysPem];
  const required = options.required ?? true;
  for (const pem of trustedPublicKeysPem) publicKeyId(pem);
  return {
    check: (sha256, signature) =>
      checkPackageSignature({ sha256, signatureFile: signature, trustedPublicKeysPem, required }),
  };
}
