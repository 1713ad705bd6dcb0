import { readFile } from 'node:fs/promises';
import { type License, verifyLicense } from '../domain/license.ts';
import { readSecretFile } from '../provider/auth/secretFiles.ts';
import { readKeyFile } from './cliFiles.ts';
import { UsageError } from './command.ts';
import type { ProviderServerOptions } from './providerServer.ts';

/** The parseArgs options of the provider's security flags. */
export const SECURITY_FLAG_OPTIONS = {
  'enrollment-key': { type: 'string' },
  'url-key': { type: 'string', multiple: true, default: [] as string[] },
  'content-url-ttl': { type: 'string', default: '86400' },
  'open-content': { type: 'boolean', default: false },
  'send-timeout-ms': { type: 'string', default: '60000' },
  license: { type: 'string' },
  'license-key': { type: 'string' },
} as const;

/** The usage lines of the security flags. */
export const SECURITY_FLAG_USAGE = `  --enrollment-key FILE
                   file holding the key agents present at first check-in (default <data>/enrollment-key,
                   made at first start; a file, so the key never shows in ps)
  --url-key FILE   content URL key (base64url); repeatable: the first signs, all verify. Give a remote
                   cache the same file. Default <data>/url-key, made at first start
  --content-url-ttl
                   seconds a content URL from a check-in stays valid (default 86400)
  --open-content   serve /content without signed URLs
  --send-timeout-ms
                   SendTimeout: most time to handle a request (default 60000)
  --license FILE --license-key FILE.pub
                   a signed license file and the public key it must verify with; without the
                   "updates" feature agents get no installs`;

/** The flag values parseArgs produced for {@link SECURITY_FLAG_OPTIONS}. */
export interface SecurityFlagValues {
  'enrollment-key'?: string;
  'url-key'?: string[];
  'content-url-ttl'?: string;
  'open-content'?: boolean;
  'send-timeout-ms'?: string;
  license?: string;
  'license-key'?: string;
}

function wholeNumber(flag: string, value: string | undefined, max = 2_147_483_647): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return number;
}

/** Reads and verifies the license named by `--license`/`--license-key`; both or neither. */
export async function loadLicense(licenseFile?: string, keyFile?: string): Promise<License | undefined> {
  if (licenseFile === undefined && keyFile === undefined) return undefined;
  if (licenseFile === undefined || keyFile === undefined) {
    throw new UsageError('--license and --license-key go together');
  }
  let text: string;
  try {
    text = await readFile(licenseFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read license file ${licenseFile} (${(error as NodeJS.ErrnoException).code})`);
  }
  return verifyLicense(text, await readKeyFile(keyFile));
}

/** Turns the security flags into provider options; reads key and license files (failing loudly). */
export async function securityOptionsFromFlags(
  values: SecurityFlagValues,
): Promise<Pick<ProviderServerOptions, 'agents' | 'limits' | 'license'>> {
  let enrollmentKey: string | undefined;
  if (values['enrollment-key'] !== undefined) {
    enrollmentKey = await readSecretFile(values['enrollment-key']);
    if (!enrollmentKey || enrollmentKey.length < 16) {
      throw new UsageError(
        `--enrollment-key ${values['enrollment-key']} must hold a key of at least 16 characters`,
      );
    }
  }
  return {
    agents: {
      enrollmentKey,
      urlKeyFiles: values['url-key'] ?? [],
      contentUrlTtlSeconds: wholeNumber('--content-url-ttl', values['content-url-ttl'] ?? '86400'),
      openContent: values['open-content'] ?? false,
    },
    limits: {
      sendTimeoutMs: wholeNumber('--send-timeout-ms', values['send-timeout-ms'] ?? '60000'),
    },
    license: await loadLicense(values.license, values['license-key']),
  };
}
