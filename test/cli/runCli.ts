import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Where `node --import tsx src/cli/main.ts` runs from: the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a `patchbay` child process did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How long a command may run before it is killed. Every command the tests run ends by itself in a
 * few seconds; this only keeps one that a defect left running (a provider that should have refused
 * to start, a prompt waiting for input) from hanging the test run. Generous for a loaded CI machine.
 */
const CLI_TIMEOUT_MS = 60_000;

/** Runs `patchbay <args>` as a child process, the way a user would, and collects its output; `input` goes to its stdin. */
export function runCli(args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const killed = error?.killed ? `\n(killed: still running after ${CLI_TIMEOUT_MS / 1000} s)` : '';
        resolve({ code, stdout, stderr: stderr + killed });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
