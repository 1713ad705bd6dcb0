import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { signLicense, verifyLicense } from '../../domain/license.ts';
import { readKeyFile } from '../cliFiles.ts';
import { type CliCommand, UsageError } from '../command.ts';

/** `patchbay license issue|verify`: makes and checks the signed license files `--license` takes. */
export const licenseCommand: CliCommand = {
  name: 'license',
  summary: 'Issue or verify a signed license file (the entitlement gate)',
  usage: `patchbay license issue --key ISSUER.key --licensee NAME --features updates[,more] [--expires YYYY-MM-DD]
patchbay license verify FILE --license-key ISSUER.pub
  issue   prints a license file (JSON: license + Ed25519 signature) signed with the issuer's private key
          (make one with "patchbay keys generate"); the provider checks it with --license-key.
  verify  checks a license file's signature and prints what it grants.
  Without the "updates" feature, or past its expiry day, a licensed provider offers agents no installs.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        key: { type: 'string' },
        licensee: { type: 'string' },
        features: { type: 'string', default: '' },
        expires: { type: 'string' },
        'license-key': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, file, ...extra] = positionals;
    if (action === 'issue' && file === undefined) {
      if (!values.key || !values.licensee) throw new UsageError('issue needs --key and --licensee');
      const features = values.features
        .split(',')
        .map((feature) => feature.trim())
        .filter((feature) => feature.length > 0);
      const signed = signLicense(
        { licensee: values.licensee, features, ...(values.expires ? { expires: values.expires } : {}) },
        await readKeyFile(values.key),
      );
      process.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
      return 0;
    }
    if (action === 'verify' && file !== undefined && extra.length === 0) {
      if (!values['license-key']) throw new UsageError('verify needs --license-key');
      const license = verifyLicense(await readFile(file, 'utf8'), await readKeyFile(values['license-key']));
      process.stdout.write(
        `valid: ${license.licensee}; features: ${license.features.join(', ') || '(none)'}; expires: ${license.expires ?? 'never'}\n`,
      );
      return 0;
    }
    throw new UsageError('expected "issue" or "verify FILE"');
  },
};
