import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentStatus } from '../../src/agent/agentStatus.ts';
import { requestJson } from './testProvider.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Far above a start on a loaded machine (a few seconds); only an agent that hangs reaches it. */
const START_TIMEOUT_MS = 60_000;

/** A `patchbay agent` running as a child process, as a user would run it. */
export interface ChildAgent {
  /** The control API base URL. */
  url: string;
  machineId: string;
  child: ChildProcess;
  /** Everything the agent wrote to stderr so far. */
  output(): string;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  status(): Promise<AgentStatus>;
  /**
   * POST /apply (with `ids`: a custom apply), retried while the agent answers 409 because a check
   * happens to run (the short test intervals make that likely); resolves once it is accepted.
   */
  apply(ids?: string[]): Promise<void>;
  /** Polls the status until `predicate` holds (or throws after `timeoutMs`, with the last status). */
  waitFor(
    predicate: (status: AgentStatus) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<AgentStatus>;
  /** SIGKILLs the process and waits for it to be gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Writes `<dataDir>/agent.json` and starts `patchbay agent --data <dataDir> --control-port 0`. */
export async function spawnAgent(
  dataDir: string,
  config: Record<string, unknown>,
  options: { clockOffsetMs?: number; extraArgs?: string[] } = {},
): Promise<ChildAgent> {
  await writeFile(join(dataDir, 'agent.json'), JSON.stringify(config, null, 2));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'agent',
      '--data',
      dataDir,
      '--control-port',
      '0',
      '--clock-offset-ms',
      String(options.clockOffsetMs ?? 0),
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdout!.resume();
  let startTimer: NodeJS.Timeout | undefined;
  const { url, machineId } = await new Promise<{ url: string; machineId: string }>((resolve, reject) => {
    const onData = () => {
      const match = /patchbay agent (\S+) .*control API listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        child.stderr!.off('data', onData);
        resolve({ machineId: match[1]!, url: match[2]! });
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code} before listening:\n${output}`)));
    // An agent that never listens would otherwise hang the test and outlive it.
    startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent not listening after ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
  }).finally(() => clearTimeout(startTimer));
  const control = (method: string, path: string, body?: unknown) => requestJson(url, method, path, body);
  const status = async () => (await control('GET', '/status')).body as AgentStatus;
  return {
    url,
    machineId,
    child,
    output: () => output,
    control,
    status,
    async apply(ids) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const reply = await control('POST', '/apply', ids ? { ids } : undefined);
        if (reply.status === 202) return;
        if (reply.status !== 409 || Date.now() > deadline) {
          throw new Error(`apply answered ${reply.status}: ${JSON.stringify(reply.body)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async waitFor(predicate, timeoutMs = 15_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      let last: AgentStatus | undefined;
      while (Date.now() < deadline) {
        last = await status();
        if (predicate(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `agent: ${what} not reached in ${timeoutMs} ms; last status ${JSON.stringify(last, null, 1)}\n${output.slice(-3000)}`,
      );
    },
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
