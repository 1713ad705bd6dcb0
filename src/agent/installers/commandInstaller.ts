import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { CommandInstallerConfig } from '../config.ts';
import type { Inventory } from '../inventory.ts';
import type { Installer, InstallOutcome, InstallPackage, InstallRunContext } from './Installer.ts';

const PLACEHOLDERS = {
  file: 'PATCHBAY_FILE',
  version: 'PATCHBAY_VERSION',
  application: 'PATCHBAY_APPLICATION',
  updateId: 'PATCHBAY_UPDATE_ID',
  productCode: 'PATCHBAY_PRODUCT_CODE',
  upgradeCode: 'PATCHBAY_UPGRADE_CODE',
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The command line and environment for one run, built without any shell string concatenation. */
export interface CommandLine {
  argv: string[];
  env: Record<string, string>;
}

/**
 * Expands a command template for a package. In ordinary arguments a placeholder (`{file}`,
 * `{version}`, `{application}`, `{updateId}`, `{productCode}`, `{upgradeCode}`) becomes its value;
 * each argument stays one argv element, so values cannot inject anything. In the script of a
 * `sh -c` template a placeholder becomes a quoted variable reference (`"${PATCHBAY_FILE}"`) and
 * the value travels in the environment, so the shell never parses provider-supplied text.
 * installProperties become `KEY=value` arguments appended at the end, or environment variables.
 *
 * @example buildCommandLine(['/bin/sh', '-c', 'dpkg -i {file}'], pkg, 'env')
 */
export function buildCommandLine(
  template: string[],
  pkg: InstallPackage,
  propertiesAs: 'args' | 'env',
): CommandLine {
  const values: Record<Placeholder, string> = {
    file: pkg.file ?? '',
    version: pkg.version,
    application: pkg.application,
    updateId: pkg.updateId,
    productCode: pkg.productCode,
    upgradeCode: pkg.upgradeCode,
  };
  const env: Record<string, string> = {};
  for (const [name, variable] of Object.entries(PLACEHOLDERS)) env[variable] = values[name as Placeholder];
  const isShell = SHELLS.has(basename(template[0] ?? ''));
  const argv = template.map((arg, index) => {
    const isScript = isShell && index > 0 && template[index - 1] === '-c';
    return arg.replace(/\{(\w+)\}/g, (match, name: string) => {
      if (!(name in PLACEHOLDERS)) return match;
      return isScript ? `"\${${PLACEHOLDERS[name as Placeholder]}}"` : values[name as Placeholder];
    });
  });
  for (const [key, value] of Object.entries(pkg.installProperties)) {
    if (propertiesAs === 'args') {
      argv.push(`${key}=${value}`);
    } else if (ENV_NAME.test(key)) {
      env[key] = value;
    } else {
      throw new TypeError(`Expected installProperties keys to be environment names, got \`${key}\``);
    }
  }
  return { argv, env };
}

/** The command installer's settings plus the inventory it keeps up to date. */
export interface CommandInstallerOptions extends CommandInstallerConfig {
  inventory: Inventory;
}

/**
 * Runs configured install/uninstall commands (in the spirit of msiexec or dpkg) with spawn, output
 * appended to the update's install log, exit codes mapped by `exitCodes` (default 0 → succeeded,
 * 3010 → restartRequired, anything else → failed). Cancel kills a running command only when the
 * config declares it `abortSafe`.
 *
 * @example new CommandInstaller({ ...config.installer, inventory }).install(pkg, { signal, logFile })
 */
export class CommandInstaller implements Installer {
  readonly name = 'command';
  readonly abortSafe: boolean;
  readonly #options: CommandInstallerOptions;

  constructor(options: CommandInstallerOptions) {
    this.#options = options;
    this.abortSafe = options.abortSafe;
  }

  async install(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome> {
    if (!pkg.file) throw new TypeError(`Expected \`file\` for installing ${pkg.updateId}`);
    const outcome = await this.#run(this.#options.install, pkg, context, 'install');
    if (outcome.status === 'succeeded' || outcome.status === 'restartRequired') {
      await this.#options.inventory.recordInstall(pkg);
    }
    return outcome;
  }

  async remove(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome> {
    const outcome = await this.#run(this.#options.uninstall, pkg, context, 'remove');
    if (outcome.status === 'succeeded' || outcome.status === 'restartRequired') {
      await this.#options.inventory.recordRemoval(pkg);
    }
    return outcome;
  }

  async #run(
    template: string[],
    pkg: InstallPackage,
    context: InstallRunContext,
    action: string,
  ): Promise<InstallOutcome> {
    const { argv, env } = buildCommandLine(template, pkg, this.#options.propertiesAs);
    await mkdir(dirname(context.logFile), { recursive: true });
    const log = await open(context.logFile, 'a');
    try {
      await log.write(`${new Date().toISOString()} ${action} ${pkg.updateId}: ${JSON.stringify(argv)}\n`);
      const ended = await spawnAndWait(
        argv,
        env,
        log.fd,
        context.signal,
        this.abortSafe,
        this.#options.timeoutMs,
      );
      const outcome = this.#outcomeOf(ended);
      await log.write(
        `${new Date().toISOString()} ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}\n`,
      );
      return { ...outcome, logFile: context.logFile };
    } finally {
      await log.close();
    }
  }

  #outcomeOf(ended: ProcessEnd): InstallOutcome {
    if (ended.kind === 'spawnError')
      return { status: 'failed', message: `could not start: ${ended.message}` };
    if (ended.kind === 'aborted')
      return { status: 'cancelled', message: 'killed on cancel (abort-safe installer)' };
    if (ended.kind === 'timedOut')
      return { status: 'failed', message: `killed after ${this.#options.timeoutMs} ms` };
    if (ended.code === null) return { status: 'failed', message: `ended by signal ${ended.signal}` };
    return {
      status: mapExitCode(this.#options.exitCodes, ended.code),
      exitCode: ended.code,
      message: `exit code ${ended.code}`,
    };
  }
}

/**
 * The outcome of an exit code: an exact entry first; else, because POSIX keeps only the low 8 bits
 * of an exit status (`exit 3010` arrives as 194), a configured code above 255 whose low byte matches.
 * Anything unmapped is `failed`.
 *
 * @example mapExitCode({ '0': 'succeeded', '3010': 'restartRequired' }, 194) // 'restartRequired'
 */
export function mapExitCode(
  exitCodes: Record<string, 'succeeded' | 'failed' | 'restartRequired'>,
  code: number,
): 'succeeded' | 'failed' | 'restartRequired' {
  const exact = exitCodes[String(code)];
  if (exact) return exact;
  const truncated = Object.entries(exitCodes).find(
    ([key]) => Number(key) > 255 && (Number(key) & 0xff) === code,
  );
  return truncated?.[1] ?? 'failed';
}

type ProcessEnd =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'aborted' }
  | { kind: 'timedOut' }
  | { kind: 'spawnError'; message: string };

function spawnAndWait(
  argv: string[],
  env: Record<string, string>,
  logFd: number,
  signal: AbortSignal,
  abortSafe: boolean,
  timeoutMs: number,
): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['ignore', logFd, logFd],
      shell: false,
    });
    let reason: 'aborted' | 'timedOut' | undefined;
    const kill = (why: 'aborted' | 'timedOut') => {
      reason ??= why;
      child.kill('SIGTERM');
      // A command that ignores SIGTERM is forced after a grace period.
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    };
    const onAbort = () => kill('aborted');
    if (abortSafe) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    const timer = timeoutMs > 0 ? setTimeout(() => kill('timedOut'), timeoutMs) : undefined;
    child.once('error', (error) => {
      cleanup();
      resolve({ kind: 'spawnError', message: error.message });
    });
    child.once('close', (code, exitSignal) => {
      cleanup();
      resolve(reason ? { kind: reason } : { kind: 'exited', code, signal: exitSignal });
    });
    function cleanup() {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  });
}
