import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuthorizedUsers } from '../../provider/auth/AuthorizedUsers.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { openStoreForCli } from '../openStoreForCli.ts';
import { promptHidden, readAllText } from '../readPassword.ts';

const USAGE = `patchbay user add <name> [--data ./data] [--password-stdin | --no-password]
patchbay user remove <name> [--data ./data]
patchbay user token <name> [--data ./data]
patchbay user list [--data ./data]
  Manages the authorized users who may call the admin API and /debug. Edits the store directly, so
  the provider must be stopped; while it runs, use /api/v1/config/users instead.
  add     prompts twice for a password on a terminal, or reads it from standard input
          (--password-stdin, or whenever stdin is not a terminal); --no-password makes a token-only
          user. Prints the user's new API token once: it is stored only as a hash.
  remove  removes the user with their tokens and sessions (never the last user).
  token   replaces the user's API tokens with a new one and prints it once.
  list    prints the users: name, whether they have a password, how many tokens.`;

async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return readAllText(process.stdin);
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

/** `patchbay user add|remove|token|list`: the manual's authorized users, from the command line. */
export const userCommand: CliCommand = {
  name: 'user',
  summary: 'Add, remove or list authorized users (admin API access) while the provider is stopped',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        data: { type: 'string', default: './data' },
        'password-stdin': { type: 'boolean', default: false },
        'no-password': { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, name, ...extra] = positionals;
    const needsName = action === 'add' || action === 'remove' || action === 'token';
    if (!(needsName || action === 'list')) throw new UsageError('expected add, remove, token or list');
    if ((needsName && name === undefined) || extra.length > 0 || (action === 'list' && name !== undefined)) {
      throw new UsageError(needsName ? `user ${action} takes one user name` : 'user list takes no name');
    }
    if (values['password-stdin'] && values['no-password']) {
      throw new UsageError('--password-stdin and --no-password exclude each other');
    }
    // Read the password before opening the store, so a slow typist does not hold the lock.
    const password =
      action === 'add' && !values['no-password']
        ? await readNewPassword(values['password-stdin'])
        : undefined;
    const store = await openStoreForCli(resolve(values.data), '/api/v1/config/users');
    try {
      const users = await AuthorizedUsers.open(store);
      if (action === 'add') {
        const { token } = await users.add(name!, password);
        process.stderr.write(`added ${name}; its API token (shown only now):\n`);
        process.stdout.write(`${token}\n`);
      } else if (action === 'remove') {
        await users.remove(name!);
        process.stderr.write(`removed ${name}\n`);
      } else if (action === 'token') {
        const token = await users.rotateToken(name!);
        process.stderr.write(`replaced the API tokens of ${name}; the new one (shown only now):\n`);
        process.stdout.write(`${token}\n`);
      } else {
        for (const user of users.list()) {
          process.stdout.write(
            `${user.name}\t${user.hasPassword ? 'password' : 'token only'}\t${user.tokens} token(s)\tsince ${user.createdAt}\n`,
          );
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
