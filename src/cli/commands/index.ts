import type { CliCommand } from '../command.ts';
import { visualize } from './visualize.ts';

/** Every `patchbay` command, in the order `patchbay --help` lists them. */
export const COMMANDS: CliCommand[] = [visualize];
