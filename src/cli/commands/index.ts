import type { CliCommand } from '../command.ts';
import { agentCommand } from './agent.ts';
import { keysCommand } from './keys.ts';
import { licenseCommand } from './license.ts';
import { providerCommand } from './provider.ts';
import { signCommand } from './sign.ts';
import { userCommand } from './user.ts';
import { verifyCommand } from './verify.ts';
import { visualize } from './visualize.ts';

/** Every `patchbay` command, in the order `patchbay --help` lists them. */
export const COMMANDS: CliCommand[] = [
  providerCommand,
  agentCommand,
  keysCommand,
  signCommand,
  verifyCommand,
  visualize,
  userCommand,
  licenseCommand,
];
