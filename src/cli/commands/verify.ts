import { parseArgs } from 'node:util';
import { readSignatureSidecar } from '../../../storage/packageSidecars.ts';
import { isPatchbayError } from '../../domain/PatchbayError.ts';
import { signatureNameFor } from '../../domain/packageFiles.ts';
import { matchSigningKey } from '../../domain/packageSignature.ts';
import { parseSignatureFile, type SignatureFile } from '../../domain/signatureFile.ts';
import { hashPackageFile, readKeyFile } from '../cliFiles.ts';
import { type CliCommand, UsageError } from '../command.ts';

/** `patchbay verify <file> --key <public.pem>`: checks `<file>.sig` against trusted keys. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: "Verify a package file's signature <file>.sig",
  usage: `patchbay verify <file> --key <public.pem> [--key <other.pub> …]
  Exits 0 and prints "signature OK" when <file>.sig verifies with one of the keys;
  exits 1 saying why otherwise (signature missing, malformed, or not made by these keys).`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { key: { type: 'string', multiple: true } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one <file>');
    if (values.key === undefined || values.key.length === 0) {
      throw new UsageError('--key <public.pem> is required');
    }
    const file = positionals[0]!;
    const trusted = await Promise.all(values.key.map(readKeyFile));
    const { sha256 } = await hashPackageFile(file);
    const signatureBytes = await readSignatureSidecar(file);
    if (signatureBytes === undefined) {
      return fail(`signature missing: ${signatureNameFor(file)} does not exist`);
    }
    let parsed: SignatureFile;
    try {
      parsed = parseSignatureFile(signatureBytes);
    } catch (error) {
      if (isPatchbayError(error, 'SIGNATURE_INVALID')) return fail(`signature invalid: ${error.message}`);
      throw error;
    }
    const keyId = matchSigningKey(sha256, parsed.signature, trusted);
    if (keyId === undefined) {
      const signer = parsed.keyId === undefined ? '' : ` (the file says key ${parsed.keyId} signed it)`;
      return fail(
        `signature invalid: it does not verify with the given key${trusted.length > 1 ? 's' : ''}${signer}; ` +
          'the file was changed after signing, or signed with another key',
      );
    }
    process.stdout.write(`signature OK\n  file   ${file}\n  sha256 ${sha256}\n  key id ${keyId}\n`);
    return 0;
  },
};

function fail(reason: string): number {
  process.stderr.write(`patchbay verify: ${reason}\n`);
  return 1;
}
