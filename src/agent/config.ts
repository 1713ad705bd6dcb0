import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { GROUP_MODES, INSTALL_DAYS } from '../domain/fleet.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';

const MAX_MESSAGE_SIZE = 2_147_483_647;
const MAX_SEND_TIMEOUT_MS = 600_000;
const MINUTE = 60_000;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const positiveInt = (max: number) =>
  z
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` });

/** What an installer's exit code means. */
export const EXIT_OUTCOMES = ['succeeded', 'failed', 'restartRequired'] as const;

const archiveInstallerSchema = z.strictObject({
  type: z.literal('archive'),
  /** Where applications are unpacked; defaults to `<data>/apps`. */
  appsDir: z.string().min(1).optional(),
});

const commandTemplate = z
  .array(z.string(), { error: 'must be an array of strings (program, then arguments)' })
  .min(1, { error: 'must name at least the program' });

const commandInstallerSchema = z.strictObject({
  type: z.literal('command'),
  install: commandTemplate,
  uninstall: commandTemplate,
  /** Exit code → outcome; codes not listed mean `failed`. */
  exitCodes: z
    .record(z.string().regex(/^-?\d+$/, { error: 'keys must be integer exit codes' }), z.enum(EXIT_OUTCOMES))
    .default({ '0': 'succeeded', '3010': 'restartRequired' }),
  /** How installProperties reach the command: `KEY=value` arguments appended, or environment variables. */
  propertiesAs: z.enum(['args', 'env']).default('args'),
  /** True only when killing the command half-way leaves the machine consistent. */
  abortSafe: z.boolean().default(false),
  /** Kills the command after this long and reports failure; 0 = no limit. */
  timeoutMs: z.int().min(0).default(0),
});

/**
 * The agent's JSON config file. Every key is optional; defaults follow the manual
 * (check every 30–60 min, 262,144-byte messages, 60 s send timeout).
 *
 * @example agentConfigSchema.parse({ providers: ['http://p:8092'], mode: 'download' })
 */
export const agentConfigSchema = z.strictObject({
  providers: z.array(httpUrl).default([]),
  /** The providers' enrollment key, sent until a provider hands this machine its secret (docs/security.md). */
  enrollmentKey: z.string().min(16).max(256).optional(),
  mode: z.enum(GROUP_MODES).default('automatic'),
  installDay: z.enum(INSTALL_DAYS).default('everyday'),
  installHour: z
    .int({ error: 'must be an integer hour' })
    .min(0, { error: 'must be 0-23' })
    .max(23, { error: 'must be 0-23' })
    .default(3),
  checkInterval: z
    .strictObject({
      minMs: positiveInt(Number.MAX_SAFE_INTEGER).default(30 * MINUTE),
      maxMs: positiveInt(Number.MAX_SAFE_INTEGER).default(60 * MINUTE),
    })
    .default({ minMs: 30 * MINUTE, maxMs: 60 * MINUTE })
    .refine((interval) => interval.minMs <= interval.maxMs, {
      path: ['minMs'],
      error: 'must be at most checkInterval.maxMs',
    }),
  maxMessageSize: positiveInt(MAX_MESSAGE_SIZE).default(262_144),
  sendTimeoutMs: positiveInt(MAX_SEND_TIMEOUT_MS).default(MINUTE),
  concurrency: z
    .strictObject({
      downloads: positiveInt(64).default(2),
      installs: z.literal(1, { error: 'must be 1: installs run one at a time' }).default(1),
    })
    .default({ downloads: 2, installs: 1 }),
  retry: z
    .strictObject({
      maxAttempts: positiveInt(100).default(5),
      baseMs: positiveInt(MINUTE * 60).default(1000),
      maxMs: positiveInt(MINUTE * 60 * 24).default(5 * MINUTE),
    })
    .default({ maxAttempts: 5, baseMs: 1000, maxMs: 5 * MINUTE }),
  proxy: z
    .strictObject({
      url: httpUrl,
      user: z.string().min(1).optional(),
      password: z.string().optional(),
    })
    .optional(),
  /** Download bandwidth cap in bytes per second, over all of one download; 0 = no cap. */
  maxDownloadRate: z.int({ error: 'must be an integer' }).min(0, { error: 'must be at least 0' }).default(0),
  verifySignatures: z.boolean().default(true),
  /** PEM strings, or paths (relative to the config file) of PEM files. */
  trustedPublicKeys: z.array(z.string().min(1)).default([]),
  installer: z
    .discriminatedUnion('type', [archiveInstallerSchema, commandInstallerSchema], {
      error: 'must be { "type": "archive" } or { "type": "command", "install": [...], "uninstall": [...] }',
    })
    .default({ type: 'archive' }),
  control: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.int().min(0).max(65_535).default(8094),
    })
    .default({ host: '127.0.0.1', port: 8094 }),
});

/** The parsed agent config, defaults filled in. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
/** The installer part of the config. */
export type InstallerConfig = AgentConfig['installer'];
/** The `command` installer settings. */
export type CommandInstallerConfig = z.output<typeof commandInstallerSchema>;

/**
 * Validates a config value, filling defaults. Throws CONFIG_INVALID whose message names each bad
 * key (`config.checkInterval.minMs: must be at most checkInterval.maxMs`).
 *
 * @example parseAgentConfig({}).checkInterval // { minMs: 1800000, maxMs: 3600000 }
 */
export function parseAgentConfig(value: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    const base = ['config', ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ key: [...base, key].join('.'), message: 'is not a known key' }));
    }
    return [{ key: base.join('.'), message: issue.message }];
  });
  throw new PatchbayError(issues.map((issue) => `${issue.key}: ${issue.message}`).join('; '), {
    code: 'CONFIG_INVALID',
    details: { issues },
  });
}

/** Overrides from the command line, applied over the file. */
export interface AgentConfigOverrides {
  providers?: string[];
  enrollmentKey?: string;
}

/**
 * Reads and validates the JSON config file (a missing file means all defaults), applies command-line
 * overrides, and replaces trusted-key file paths by the PEM text they hold.
 *
 * @example await loadAgentConfig('./agent-data/agent.json', { providers: ['http://p:8092'] })
 */
export async function loadAgentConfig(
  path: string,
  overrides: AgentConfigOverrides = {},
): Promise<AgentConfig> {
  let raw: unknown = {};
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PatchbayError(`config: ${path} is not readable JSON (${(error as Error).message})`, {
        code: 'CONFIG_INVALID',
        cause: error,
      });
    }
  }
  if (overrides.providers?.length && raw && typeof raw === 'object') {
    raw = { ...raw, providers: overrides.providers };
  }
  if (overrides.enrollmentKey !== undefined && raw && typeof raw === 'object') {
    raw = { ...raw, enrollmentKey: overrides.enrollmentKey };
  }
  const config = parseAgentConfig(raw);
  const keys = await Promise.all(
    config.trustedPublicKeys.map(async (key, index) => {
      if (key.includes('-----BEGIN')) return key;
      try {
        return await readFile(resolve(dirname(path), key), 'utf8');
      } catch (error) {
        throw new PatchbayError(`config.trustedPublicKeys.${index}: cannot read ${key}`, {
          code: 'CONFIG_INVALID',
          cause: error,
        });
      }
    }),
  );
  return { ...config, trustedPublicKeys: keys };
}
