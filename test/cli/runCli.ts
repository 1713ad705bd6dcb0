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

/** Runs `patchbay <args>` as a child process, the way a user would, and collects its output; `input` goes to its stdin. */
export function runCli(args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: REPO_ROOT, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
