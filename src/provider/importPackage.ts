import { ZodError } from 'zod';
import type { StagedContent } from '../../storage/ContentStore.ts';
import { parseManifest } from '../domain/manifestSchema.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { parseSignatureFile } from '../domain/signatureFile.ts';
import type { Update, UpdateManifest } from '../domain/update.ts';
import type { Catalog } from './Catalog.ts';
import type { SignaturePolicy } from './signaturePolicy.ts';

/** A package about to enter the catalog: its manifest (unvalidated), staged bytes and signature. */
export interface IncomingPackage {
  manifest: unknown;
  staged: StagedContent;
  fileName: string;
  signature?: Buffer;
}

/**
 * Validates a package and adds it to the catalog in PreApproval: the manifest must pass the schema
 * (INVALID_MANIFEST naming the field), the bytes must match a declared sha256
 * (CONTENT_HASH_MISMATCH), and the signature policy must accept it. On any refusal the staged bytes
 * are discarded, so nothing is left behind. Used by uploads and by update folders alike.
 */
export async function importPackage(
  catalog: Catalog,
  policy: SignaturePolicy,
  incoming: IncomingPackage,
): Promise<Update> {
  const { staged } = incoming;
  try {
    const manifest = validateManifest(incoming.manifest);
    if (manifest.sha256 !== undefined && manifest.sha256 !== staged.sha256) {
      throw new PatchbayError('the file does not match the sha256 its manifest declares', {
        code: 'CONTENT_HASH_MISMATCH',
        details: { expected: manifest.sha256, actual: staged.sha256 },
      });
    }
    const { signed } = policy.check(staged.sha256, incoming.signature);
    // A verified signature travels with the update, so agents can check it again on their side.
    const signature =
      signed && incoming.signature
        ? Buffer.from(parseSignatureFile(incoming.signature).signature).toString('base64')
        : undefined;
    return await catalog.add(manifest, staged, incoming.fileName, signed, signature);
  } catch (error) {
    await staged.discard();
    throw error;
  }
}

/** Parses a manifest, turning schema failures into INVALID_MANIFEST with the field named. */
export function validateManifest(value: unknown): UpdateManifest {
  try {
    return parseManifest(value);
  } catch (error) {
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      const field = issue?.path.join('.') || '(manifest)';
      throw new PatchbayError(`manifest ${field}: ${issue?.message ?? 'invalid'}`, {
        code: 'INVALID_MANIFEST',
        details: { field },
      });
    }
    throw error;
  }
}
