/**
 * Decides whether a package's signature is acceptable (the manual's VerifyDigitalSignature policy).
 * `check` throws SIGNATURE_MISSING or SIGNATURE_INVALID to refuse, and says whether the package is signed.
 */
export interface SignaturePolicy {
  check(sha256: string, signature: Buffer | undefined): { signed: boolean };
}
