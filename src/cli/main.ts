import { type CliCommand, UsageError } from './command.ts';
import { COMMANDS } from './commands/index.ts';

function printHelp(): void {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  process.stdout.write(
    `patchbay — self-hosted software-update distribution\n\nUsage: patchbay <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
      `Run "patchbay <command> --help" for a command's options.\n\n` +
      COMMANDS.map((command) => command.usage.trimEnd()).join('\n\n') +
      '\n',
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return name === undefined ? 2 : 0;
  }
  const command: CliCommand | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`patchbay: unknown command "${name}"\n`);
    printHelp();
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`patchbay ${name}: ${(error as Error).message}\n\n${command.usage.trimEnd()}\n`);
      return 2;
    }
    process.stderr.write(`patchbay ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
