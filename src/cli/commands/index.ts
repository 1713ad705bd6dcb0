import type { CliCommand } from '../command.ts';
import { providerCommand } from './provider.ts';

/** Every `patchbay` command, in the order `patchbay --help` lists them. */
export const COMMANDS: CliCommand[] = [providerCommand];
