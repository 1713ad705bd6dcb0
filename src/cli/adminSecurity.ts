import { join } from 'node:path';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { authenticateAdmin } from '../../http/auth/authenticateAdmin.ts';
import { createLoginRouter } from '../../http/routes/loginRoutes.ts';
import { createUsersRouter } from '../../http/routes/usersRoutes.ts';
import type { Store } from '../../storage/Store.ts';
import { AuthorizedUsers } from '../provider/auth/AuthorizedUsers.ts';
import { isExposed, writeSecretFile } from '../provider/auth/secretFiles.ts';

/** The file a first start writes the initial admin token to. */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** The admin-authentication pieces the provider plugs into createApp. */
export interface AdminSecurity {
  users: AuthorizedUsers;
  /** Login and logout: public, since they are how one gets a session. */
  publicRouters: Router[];
  /** The users API under /api/v1/config/users. */
  adminRouters: Router[];
  /** createApp's `authenticate` slot. */
  authenticate: Middleware;
}

/**
 * Opens the authorized users and, on a provider with none, writes an initial admin token to
 * `<dataDir>/admin-token` (mode 0600), logging the path and never the token.
 */
export async function openAdminSecurity(
  store: Store,
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<AdminSecurity> {
  const users = await AuthorizedUsers.open(store);
  const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
  const created = await users.ensureInitialAdmin((token) => writeSecretFile(tokenFile, `${token}\n`));
  if (created) log(`first start: the admin API token is in ${tokenFile} (mode 0600; user "admin")`);
  else if (await isExposed(tokenFile)) log(`warning: ${tokenFile} is readable by other users; chmod 600 it`);
  return {
    users,
    publicRouters: [createLoginRouter(users)],
    adminRouters: [createUsersRouter(users)],
    authenticate: authenticateAdmin(users),
  };
}
