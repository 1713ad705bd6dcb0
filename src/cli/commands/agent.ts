import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentStatus } from '../../agent/agentStatus.ts';
import { loadAgentConfig } from '../../agent/config.ts';
import { GROUP_MODES, INSTALL_DAYS } from '../../domain/fleet.ts';
import { controlRequest, DEFAULT_CONTROL_URL, follow, statusLines } from '../agentControlClient.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { runUntilSignal } from '../runUntilSignal.ts';

const SUBCOMMANDS = new Set(['status', 'check', 'apply', 'defer', 'cancel', 'settings', 'log']);

/** `patchbay agent`: runs the agent service, or talks to a running one through its control API. */
export const agentCommand: CliCommand = {
  name: 'agent',
  summary: 'Run the update agent, or control a running one (status, check, apply, cancel, settings, log).',
  usage: `patchbay agent [--provider URL …] [--data ./agent-data] [--config FILE] [--control-port 8094]
  Runs the agent service: checks in with the providers, downloads and installs updates.
  --provider        a provider URL; repeat for failover (replaces the config file's providers)
  --enrollment-key  the provider's enrollment key (its <data>/enrollment-key), or @FILE to read it
  --data            data folder: LevelDB under <data>/db, downloads, apps, logs (default ./agent-data)
  --config          JSON config file (default <data>/agent.json; missing = all defaults)
  --control-port    port of the local control API on 127.0.0.1 (default 8094; 0 picks a free one)
  --clock-offset-ms shift the agent's clock by this many ms (testing install windows only)

patchbay agent status|check|apply [ids…]|defer|cancel|settings [--mode M --day D --hour H]|log <update>
  Talks to a running agent (--control ${DEFAULT_CONTROL_URL}). check and apply follow the work
  with progress bars on a terminal (plain lines otherwise); --no-wait returns at once; --json prints JSON.`,
  async run(args) {
    if (args[0] !== undefined && SUBCOMMANDS.has(args[0])) return runClient(args[0], args.slice(1));
    return runService(args);
  },
};

async function runService(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      provider: { type: 'string', multiple: true },
      'enrollment-key': { type: 'string' },
      data: { type: 'string', default: './agent-data' },
      config: { type: 'string' },
      'control-port': { type: 'string' },
      'clock-offset-ms': { type: 'string', default: '0' },
    },
    strict: true,
  });
  const dataDir = resolve(values.data!);
  const config = await loadAgentConfig(resolve(values.config ?? join(dataDir, 'agent.json')), {
    providers: values.provider,
    enrollmentKey: await enrollmentKeyFlag(values['enrollment-key']),
  });
  if (values['control-port'] !== undefined) {
    const port = Number(values['control-port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--control-port must be 0–65535, got ${values['control-port']}`);
    config.control = { ...config.control, port };
  }
  const clockOffsetMs = Number(values['clock-offset-ms']);
  if (!Number.isFinite(clockOffsetMs)) throw new UsageError('--clock-offset-ms must be a number');
  if (config.providers.length === 0)
    throw new UsageError('name at least one provider (--provider URL or the config file)');
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  // Loaded here, not at the top: every `patchbay` command imports this file, and the agent service
  // (undici, tar, the agent machines) would add a second of module loading to a provider's start.
  const { startAgentServer } = await import('../agentServer.ts');
  const agent = await startAgentServer({ dataDir, config, clockOffsetMs, log });
  log(
    `patchbay agent ${agent.service.identity.id} (${agent.service.identity.name}) control API listening on ${agent.url} (data in ${dataDir})`,
  );
  await runUntilSignal(() => agent.close(), log);
  return 0;
}

async function runClient(name: string, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      control: { type: 'string', default: process.env.PATCHBAY_AGENT_CONTROL ?? DEFAULT_CONTROL_URL },
      json: { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      mode: { type: 'string' },
      day: { type: 'string' },
      hour: { type: 'string' },
    },
    strict: true,
  });
  const base = values.control!;
  const out = process.stdout;
  const print = (value: unknown) => out.write(`${JSON.stringify(value, null, 2)}\n`);
  switch (name) {
    case 'status': {
      const status = (await controlRequest(base, 'GET', '/status')).body as AgentStatus;
      if (values.json) print(status);
      else out.write(`${statusLines(status).join('\n')}\n`);
      return 0;
    }
    case 'check':
    case 'apply': {
      const body = name === 'apply' && positionals.length > 0 ? { ids: positionals } : undefined;
      const reply = await controlRequest(base, 'POST', `/${name}`, body);
      if (values['no-wait'] || values.json) {
        print(reply.body);
        return 0;
      }
      await follow(base, out);
      return 0;
    }
    case 'defer':
    case 'cancel':
      print((await controlRequest(base, 'POST', `/${name}`)).body);
      return 0;
    case 'settings': {
      const change: Record<string, unknown> = {};
      if (values.mode !== undefined) {
        if (!(GROUP_MODES as readonly string[]).includes(values.mode))
          throw new UsageError(`--mode must be one of ${GROUP_MODES.join(', ')}`);
        change.mode = values.mode;
      }
      if (values.day !== undefined) {
        if (!(INSTALL_DAYS as readonly string[]).includes(values.day))
          throw new UsageError(`--day must be one of ${INSTALL_DAYS.join(', ')}`);
        change.installDay = values.day;
      }
      if (values.hour !== undefined) change.installHour = Number(values.hour);
      const reply =
        Object.keys(change).length === 0
          ? await controlRequest(base, 'GET', '/settings')
          : await controlRequest(base, 'PUT', '/settings', change);
      print(reply.body);
      return 0;
    }
    case 'log': {
      if (positionals.length !== 1) throw new UsageError('name one update: patchbay agent log <update>');
      out.write((await controlRequest(base, 'GET', `/log/${encodeURIComponent(positionals[0]!)}`)).text);
      return 0;
    }
  }
  throw new UsageError(`unknown agent command ${name}`);
}

/** `--enrollment-key KEY` or `--enrollment-key @FILE` (the provider writes it to <data>/enrollment-key). */
async function enrollmentKeyFlag(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (!value.startsWith('@')) return value;
  try {
    return (await readFile(resolve(value.slice(1)), 'utf8')).trim();
  } catch (error) {
    throw new UsageError(`--enrollment-key: cannot read ${value.slice(1)} (${(error as Error).message})`);
  }
}
