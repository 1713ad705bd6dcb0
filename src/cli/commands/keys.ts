import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKeyPair, publicKeyId } from '../../domain/packageSignature.ts';
import { type CliCommand, UsageError } from '../command.ts';

const DEFAULT_NAME = 'patchbay-signing';

/** `patchbay keys generate`: creates an Ed25519 key pair for signing packages. */
export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'Generate an Ed25519 key pair for signing packages',
  usage: `patchbay keys generate [--out DIR] [--name NAME]
  Writes DIR/NAME.key (private, mode 0600) and DIR/NAME.pub (public), PEM encoded.
  Refuses to overwrite either file. Defaults: --out . --name ${DEFAULT_NAME}`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { out: { type: 'string', default: '.' }, name: { type: 'string', default: DEFAULT_NAME } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || positionals[0] !== 'generate') {
      throw new UsageError('expected the subcommand "generate"');
    }
    const name = values.name;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new UsageError(`--name must be a plain file name, got "${name}"`);
    }
    const privatePath = join(values.out, `${name}.key`);
    const publicPath = join(values.out, `${name}.pub`);
    // Check both before writing either, so a refusal never leaves half a key pair behind.
    for (const path of [privatePath, publicPath]) {
      if (await exists(path)) {
        process.stderr.write(`patchbay keys: ${path} already exists; not overwriting\n`);
        return 1;
      }
    }
    const pair = generateSigningKeyPair();
    await mkdir(values.out, { recursive: true });
    await writeFile(privatePath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(publicPath, pair.publicKeyPem, { mode: 0o644, flag: 'wx' });
    process.stdout.write(
      `key id ${publicKeyId(pair.publicKeyPem)}\n` +
        `private key: ${privatePath} (keep secret; used by "patchbay sign")\n` +
        `public key:  ${publicPath} (give to the provider as a trusted key)\n`,
    );
    return 0;
  },
};

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
