import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { drawStatechart } from '../../runtime/drawStatechart.ts';
import { MACHINES } from '../../runtime/machineRegistry.ts';
import { type CliCommand, UsageError } from '../command.ts';

/**
 * `patchbay visualize <machine> [--out file.svg]`: draws a machine's statechart as SVG, to a file
 * or to standard output.
 */
export const visualize: CliCommand = {
  name: 'visualize',
  summary: 'Draw a state machine as an SVG statechart',
  usage: `Usage: patchbay visualize <machine> [--out file.svg]
  Draws the statechart of one of Patchbay's machines (states, parallel regions, transitions with
  their event, [guard] and "after" delay, initial and final states) as SVG.
  <machine>          one of: ${Object.keys(MACHINES).join(', ')}
  --out, -o <file>   write the SVG to this file (default: standard output)`,
  async run(args) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o' } },
    });
    const [name, ...extra] = positionals;
    if (name === undefined) throw new UsageError('missing <machine>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const machine = MACHINES[name];
    if (!machine) {
      throw new UsageError(`unknown machine "${name}" (known: ${Object.keys(MACHINES).join(', ')})`);
    }
    const svg = await drawStatechart(machine);
    if (values.out === undefined) {
      process.stdout.write(`${svg}\n`);
      return 0;
    }
    await writeFile(values.out, `${svg}\n`);
    process.stderr.write(`wrote ${values.out} (${name}, ${Buffer.byteLength(svg)} bytes)\n`);
    return 0;
  },
};
