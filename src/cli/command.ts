/** One `patchbay <name>` command: its one-line summary, its usage text, and what it runs. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for bad command-line arguments: main prints the message and the usage, then exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
