import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliCommand, UsageError } from '../command.ts';
import { startProviderServer } from '../providerServer.ts';
import { runUntilSignal } from '../runUntilSignal.ts';
import { SECURITY_FLAG_OPTIONS, SECURITY_FLAG_USAGE, securityOptionsFromFlags } from '../securityFlags.ts';
import { youngGenerationHint } from '../youngGeneration.ts';

/** `patchbay provider`: runs the provider server until SIGINT or SIGTERM. */
export const providerCommand: CliCommand = {
  name: 'provider',
  summary: 'Run the provider server (catalog, agent API, content, admin API).',
  usage: `patchbay provider [--port 8092] [--host 0.0.0.0] [--data ./data] [--max-upload-mb 2048]
                  [--trusted-key FILE.pub]... [--no-verify-signatures]
                  [--scan-delay-ms 90000] [--scan-interval-ms 60000]
                  [--public-url URL] [--max-checkin-bytes 262144]
                  [--enrollment-key FILE] [--url-key FILE]... [--open-content]
                  [--send-timeout-ms 60000] [--license FILE --license-key FILE.pub]
  Serves the agent API (/agent/v1), content (/content), the admin API (/api/v1) and /debug.
  --port           TCP port (default 8092; 0 picks a free one)
  --host           address to bind (default 0.0.0.0)
  --data           data folder: LevelDB under <data>/db, packages under <data>/content (default ./data)
  --max-upload-mb  largest package upload in MiB (default 2048)
  --trusted-key    trust this Ed25519 public key (repeatable); <data>/trusted-keys/*.pub are always trusted
  --no-verify-signatures
                   turn the VerifyDigitalSignature policy off (unsigned packages are accepted)
  --scan-delay-ms  delay before the first scan of auto update folders (default 90000)
  --scan-interval-ms
                   pause between scans of auto update folders (default 60000)
  --public-url     base URL agents are given for content (default: the host each agent called)
  --max-checkin-bytes  largest agent check-in body (default 262144, the manual's MaximumMessageSize;
                   at most 2147483647)
${SECURITY_FLAG_USAGE}`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8092' },
        host: { type: 'string', default: '0.0.0.0' },
        data: { type: 'string', default: './data' },
        'max-upload-mb': { type: 'string', default: '2048' },
        'public-url': { type: 'string' },
        'max-checkin-bytes': { type: 'string', default: '262144' },
        'trusted-key': { type: 'string', multiple: true, default: [] },
        'no-verify-signatures': { type: 'boolean', default: false },
        'scan-delay-ms': { type: 'string', default: '90000' },
        'scan-interval-ms': { type: 'string', default: '60000' },
        ...SECURITY_FLAG_OPTIONS,
      },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0–65535, got ${values.port}`);
    const maxUploadMb = Number(values['max-upload-mb']);
    if (!(maxUploadMb > 0))
      throw new UsageError(`--max-upload-mb must be a positive number, got ${values['max-upload-mb']}`);
    const maxCheckInBytes = Number(values['max-checkin-bytes']);
    if (!Number.isInteger(maxCheckInBytes) || maxCheckInBytes < 1024 || maxCheckInBytes > 2_147_483_647)
      throw new UsageError(
        `--max-checkin-bytes must be an integer from 1024 to 2147483647, got ${values['max-checkin-bytes']}`,
      );
    const publicUrl = values['public-url'];
    if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl))
      throw new UsageError(`--public-url must be an http(s) URL, got ${publicUrl}`);
    const scanDelayMs = nonNegativeMs('--scan-delay-ms', values['scan-delay-ms']!);
    const scanIntervalMs = nonNegativeMs('--scan-interval-ms', values['scan-interval-ms']!);
    const security = await securityOptionsFromFlags(values);
    const dataDir = resolve(values.data!);
    const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    const provider = await startProviderServer({
      dataDir,
      port,
      host: values.host,
      maxUploadBytes: Math.floor(maxUploadMb * 1024 * 1024),
      maxCheckInBytes,
      publicUrl,
      verifySignatures: !values['no-verify-signatures'],
      trustedKeyFiles: values['trusted-key'],
      scanDelayMs,
      scanIntervalMs,
      ...security,
      log,
    });
    const signatures = provider.signatures!;
    log(
      signatures.required
        ? `VerifyDigitalSignature on: ${signatures.trustedKeys.length} trusted key(s)${signatures.trustedKeys.map((key) => ` ${key.keyId} (${key.path})`).join(',')}`
        : 'VerifyDigitalSignature off: unsigned packages are accepted',
    );
    if (security.license) {
      const { licensee, features, expires } = security.license;
      log(`license: ${licensee}; features ${features.join(', ') || '(none)'}; expires ${expires ?? 'never'}`);
    }
    const hint = youngGenerationHint();
    if (hint) log(hint);
    log(`patchbay provider listening on http://${values.host}:${provider.port} (data in ${dataDir})`);
    await runUntilSignal(() => provider.close(), log);
    return 0;
  },
};

function nonNegativeMs(flag: string, value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new UsageError(`${flag} must be a whole number of ms ≥ 0, got ${value}`);
  return ms;
}
