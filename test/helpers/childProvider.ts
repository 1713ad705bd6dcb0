import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readAdminToken, rememberAdminToken } from './testProvider.ts';
import { TEST_PUBLIC_KEY_PATH } from './testSigning.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Far above a start on a loaded machine (a few seconds); only a provider that hangs reaches it. */
const START_TIMEOUT_MS = 60_000;

/** A `patchbay provider` running as a child process, as a user would run it. */
export interface ChildProvider {
  url: string;
  child: ChildProcess;
  /** The admin API token from `<dataDir>/admin-token`. */
  adminToken: string;
  /** SIGKILLs the process and waits for it to be gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `patchbay provider --data <dataDir> --port 0 --trusted-key fixtures/keys/test-signing.pub`
 * (signature verification on, trusting the TEST-ONLY key) and waits for its "listening" line. The
 * admin token is read from `<dataDir>/admin-token` unless given (a store whose users came from the
 * CLI has none). `compiledMain` runs a compiled `dist/src/cli/main.js` instead of the sources.
 */
export async function spawnProvider(
  dataDir: string,
  extraArgs: string[] = [],
  options: { adminToken?: string; compiledMain?: string } = {},
): Promise<ChildProvider> {
  // The compiled build (npm run build) runs on plain node; the sources need the tsx loader.
  const entry = options.compiledMain ? [options.compiledMain] : ['--import', 'tsx', MAIN];
  const child = spawn(process.execPath, [...entry, 'provider', ...testProviderArgs(dataDir, extraArgs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let startTimer: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = listeningUrl(output);
      if (listening) {
        child.stderr!.off('data', onData);
        resolve(listening);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`provider exited with ${code} before listening:\n${output}`)),
    );
    // A provider that never listens would otherwise hang the test and outlive it.
    startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`provider not listening after ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
  }).finally(() => clearTimeout(startTimer));
  child.stderr!.resume();
  child.stdout!.resume();
  const adminToken = options.adminToken ?? (await readAdminToken(dataDir));
  rememberAdminToken(url, adminToken);
  return childProvider(child, exited, url, adminToken);
}

/** The arguments after `provider` every test provider gets: its data, a free port, the test key. */
export function testProviderArgs(dataDir: string, extraArgs: string[]): string[] {
  return [
    '--data',
    dataDir,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--trusted-key',
    TEST_PUBLIC_KEY_PATH,
    ...extraArgs,
  ];
}

/** The URL in the provider's "listening on http://host:port" line, once `output` has it. */
export function listeningUrl(output: string): string | undefined {
  const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
  return match ? `http://127.0.0.1:${match[1]}` : undefined;
}

/** The handle on a listening provider process; `exited` resolves with its exit code. */
export function childProvider(
  child: ChildProcess,
  exited: Promise<number | null>,
  url: string,
  adminToken: string,
): ChildProvider {
  return {
    url,
    child,
    adminToken,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
