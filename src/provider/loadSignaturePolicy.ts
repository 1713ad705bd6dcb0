import { loadTrustedKeys } from '../../storage/trustedKeys.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { publicKeyId } from '../domain/packageSignature.ts';
import { createSignaturePolicy } from '../domain/signaturePolicy.ts';
import type { SignaturePolicy } from './signaturePolicy.ts';

/** Where the provider's VerifyDigitalSignature policy comes from. */
export interface SignaturePolicySource {
  dataDir: string;
  /** More `.pub` files to trust beside `<dataDir>/trusted-keys/*.pub` (`--trusted-key`). */
  trustedKeyFiles?: readonly string[];
  /** VerifyDigitalSignature; on unless set to false (`--no-verify-signatures`). */
  required?: boolean;
}

/** The loaded policy and what it trusts, for the startup log. */
export interface LoadedSignaturePolicy {
  policy: SignaturePolicy;
  required: boolean;
  trustedKeys: Array<{ path: string; keyId: string }>;
}

/**
 * Reads the trusted keys and builds the VerifyDigitalSignature policy used by uploads and update
 * folders. A key file that is not an Ed25519 public key fails startup with SIGNING_KEY_INVALID
 * naming the file, so a broken trust list is noticed before the first package is refused.
 *
 * @example const { policy } = await loadSignaturePolicy({ dataDir: './data', trustedKeyFiles: ['release.pub'] })
 */
export async function loadSignaturePolicy(source: SignaturePolicySource): Promise<LoadedSignaturePolicy> {
  const files = await loadTrustedKeys(source.dataDir, source.trustedKeyFiles);
  const trustedKeys = files.map(({ path, pem }) => {
    try {
      return { path, keyId: publicKeyId(pem) };
    } catch (cause) {
      throw new PatchbayError(`trusted key ${path} is not an Ed25519 public key in PEM form`, {
        code: 'SIGNING_KEY_INVALID',
        cause,
        details: { path },
      });
    }
  });
  const required = source.required ?? true;
  const policy = createSignaturePolicy({ trustedPublicKeysPem: files.map((file) => file.pem), required });
  return { policy, required, trustedKeys };
}
