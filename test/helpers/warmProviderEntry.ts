// A `patchbay provider` process that loads every module first and then waits for its arguments on
// stdin (one JSON line), so the crash test can restart a killed provider without paying for tsx
// and module loading each time. It runs the real CLI command.
import { once } from 'node:events';
import { providerCommand } from '../../src/cli/commands/provider.ts';

process.stderr.write('warm\n');
let input = '';
process.stdin.setEncoding('utf8');
while (!input.includes('\n')) {
  const [chunk] = (await once(process.stdin, 'data')) as [string];
  input += chunk;
}
process.stdin.pause();
process.exitCode = await providerCommand.run(JSON.parse(input.slice(0, input.indexOf('\n'))) as string[]);
