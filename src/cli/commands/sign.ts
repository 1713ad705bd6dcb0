import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { signatureNameFor } from '../../domain/packageFiles.ts';
import { publicKeyId, signDigest } from '../../domain/packageSignature.ts';
import { formatSignatureFile } from '../../domain/signatureFile.ts';
import { hashPackageFile, readKeyFile } from '../cliFiles.ts';
import { type CliCommand, UsageError } from '../command.ts';

/** `patchbay sign <file> --key <private.pem>`: writes the detached signature `<file>.sig`. */
export const signCommand: CliCommand = {
  name: 'sign',
  summary: 'Sign a package file, writing <file>.sig',
  usage: `patchbay sign <file> --key <private.pem>
  Hashes <file> (SHA-256), signs the digest with the Ed25519 private key and writes <file>.sig,
  replacing an older signature.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { key: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one <file>');
    if (values.key === undefined) throw new UsageError('--key <private.pem> is required');
    const file = positionals[0]!;
    const privateKeyPem = await readKeyFile(values.key);
    const { sha256 } = await hashPackageFile(file);
    const signature = signDigest(sha256, privateKeyPem);
    const keyId = publicKeyId(privateKeyPem);
    const target = signatureNameFor(file);
    // Write then rename, so a scanner never sees half a signature next to the package.
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, formatSignatureFile(signature, keyId));
    await rename(temporary, target);
    process.stdout.write(`signed ${file}\n  sha256 ${sha256}\n  key id ${keyId}\n  wrote  ${target}\n`);
    return 0;
  },
};
