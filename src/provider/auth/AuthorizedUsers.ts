import { RecordRepository } from '../../../storage/RecordRepository.ts';
import type { Store, StoreOp } from '../../../storage/Store.ts';
import { PatchbayError } from '../../domain/PatchbayError.ts';
import { hashPassword, verifyPassword } from './passwordHash.ts';
import { hashSecret, issueSecret } from './secretToken.ts';

/** A user name: letters, digits and `. _ @ - \` (the manual's `domain\username` fits), 1–64 characters. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}$/;
/** Shortest and longest password accepted. */
export const PASSWORD_LENGTH = { min: 8, max: 1024 } as const;
/** The user created at first start, whose token goes to `<data>/admin-token`. */
export const INITIAL_ADMIN = 'admin';

/** One stored API token: only its hash. */
interface TokenRecord {
  hash: string;
  createdAt: string;
}

/** One authorized user as stored in the `users` sublevel. */
interface UserRecord {
  name: string;
  passwordHash?: string;
  tokens: TokenRecord[];
  createdAt: string;
}

/** One login session as stored in the `sessions` sublevel, keyed by the hash of its id. */
interface SessionRecord {
  name: string;
  expiresAt: number;
}

/** What the users list shows: never a hash. */
export interface UserSummary {
  name: string;
  createdAt: string;
  hasPassword: boolean;
  tokens: number;
}

/** Options for {@link AuthorizedUsers.open}. */
export interface AuthorizedUsersOptions {
  /** How long a login session lasts (default 12 hours). */
  sessionTtlMs?: number;
  /** Consecutive failed logins after which a name is refused for `lockoutMs` (default 10). */
  maxFailedLogins?: number;
  /** Default 60 seconds. */
  lockoutMs?: number;
  now?: () => number;
}

/** A session id handed to a browser, shown once. */
export interface IssuedSession {
  sessionId: string;
  expiresAt: number;
}

// Compared against when a login names an unknown user, so an unknown name costs the same scrypt
// time as a wrong password and the timing does not tell which names exist.
const DUMMY_HASH = hashPassword('patchbay-no-such-user');

/**
 * The authorized users of the manual's Configuration page: scrypt password hashes, API tokens kept
 * only as SHA-256 hashes, and login sessions. Everything is loaded into memory at open (a provider
 * has a handful of users) so authenticating a request never touches the disk; every change is
 * written to the store before memory changes.
 *
 * @example const users = await AuthorizedUsers.open(store); const { token } = await users.add('alice')
 */
export class AuthorizedUsers {
  readonly #store: Store;
  readonly #users: RecordRepository<UserRecord>;
  readonly #sessionsRepo: RecordRepository<SessionRecord>;
  readonly #byName = new Map<string, UserRecord>();
  readonly #byTokenHash = new Map<string, string>();
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #failures = new Map<string, { count: number; until: number }>();
  readonly #options: Required<Omit<AuthorizedUsersOptions, 'now'>> & { now: () => number };
  #writing: Promise<unknown> = Promise.resolve();

  private constructor(store: Store, options: AuthorizedUsersOptions) {
    this.#store = store;
    this.#users = new RecordRepository<UserRecord>(store, 'users');
    this.#sessionsRepo = new RecordRepository<SessionRecord>(store, 'sessions');
    this.#options = {
      sessionTtlMs: options.sessionTtlMs ?? 12 * 60 * 60_000,
      maxFailedLogins: options.maxFailedLogins ?? 10,
      lockoutMs: options.lockoutMs ?? 60_000,
      now: options.now ?? Date.now,
    };
  }

  /** Loads users and live sessions from the store and drops expired sessions. */
  static async open(store: Store, options: AuthorizedUsersOptions = {}): Promise<AuthorizedUsers> {
    const users = new AuthorizedUsers(store, options);
    for await (const [, user] of users.#users.entries()) users.#remember(user);
    const expired: StoreOp[] = [];
    const now = users.#options.now();
    for await (const [key, session] of users.#sessionsRepo.entries()) {
      if (session.expiresAt > now && users.#byName.has(session.name)) users.#sessions.set(key, session);
      else expired.push(users.#sessionsRepo.delOp(key));
    }
    await store.batch(expired);
    return users;
  }

  /** How many users there are. */
  get size(): number {
    return this.#byName.size;
  }

  /** Every user by name, without secrets. */
  list(): UserSummary[] {
    return [...this.#byName.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((user) => ({
        name: user.name,
        createdAt: user.createdAt,
        hasPassword: user.passwordHash !== undefined,
        tokens: user.tokens.length,
      }));
  }

  /** True when a user has this name. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * Adds a user with an optional password and one new API token, returned once.
   * USER_EXISTS when the name is taken; INVALID_REQUEST for a bad name or password.
   */
  add(name: string, password?: string): Promise<{ name: string; token: string }> {
    return this.#serial(async () => {
      checkName(name);
      if (password !== undefined) checkPassword(password);
      if (this.#byName.has(name)) {
        throw new PatchbayError(`a user named ${name} already exists`, {
          code: 'USER_EXISTS',
          details: { name },
        });
      }
      const { secret, hash } = issueSecret('pbt');
      const user: UserRecord = {
        name,
        ...(password === undefined ? {} : { passwordHash: await hashPassword(password) }),
        tokens: [{ hash, createdAt: this.#isoNow() }],
        createdAt: this.#isoNow(),
      };
      await this.#users.put(name, user);
      this.#remember(user);
      return { name, token: secret };
    });
  }

  /**
   * Removes a user with their tokens and sessions. USER_NOT_FOUND for an unknown name;
   * USER_PROTECTED for the last user, since nobody could then sign in to add another.
   */
  remove(name: string): Promise<void> {
    return this.#serial(async () => {
      const user = this.#require(name);
      if (this.#byName.size === 1) {
        throw new PatchbayError(`${name} is the last authorized user and cannot be removed`, {
          code: 'USER_PROTECTED',
          details: { name },
        });
      }
      const sessionKeys = [...this.#sessions].filter(([, s]) => s.name === name).map(([key]) => key);
      await this.#batch([
        this.#users.delOp(name),
        ...sessionKeys.map((key) => this.#sessionsRepo.delOp(key)),
      ]);
      this.#forget(user);
      for (const key of sessionKeys) this.#sessions.delete(key);
    });
  }

  /** Replaces every API token of a user with one new token, returned once. USER_NOT_FOUND. */
  rotateToken(name: string): Promise<string> {
    return this.#serial(async () => {
      const user = this.#require(name);
      const { secret, hash } = issueSecret('pbt');
      const updated: UserRecord = { ...user, tokens: [{ hash, createdAt: this.#isoNow() }] };
      await this.#users.put(name, updated);
      this.#forget(user);
      this.#remember(updated);
      return secret;
    });
  }

  /** Sets or replaces a user's password. USER_NOT_FOUND; INVALID_REQUEST for a bad password. */
  setPassword(name: string, password: string): Promise<void> {
    return this.#serial(async () => {
      const user = this.#require(name);
      checkPassword(password);
      const updated: UserRecord = { ...user, passwordHash: await hashPassword(password) };
      await this.#users.put(name, updated);
      this.#byName.set(name, updated);
    });
  }

  /** The user an API token belongs to, or undefined. */
  userForToken(token: string): string | undefined {
    return this.#byTokenHash.get(hashSecret(token));
  }

  /** The user a live session id belongs to, or undefined (expired sessions count as none). */
  userForSession(sessionId: string): string | undefined {
    const session = this.#sessions.get(hashSecret(sessionId));
    if (!session || session.expiresAt <= this.#options.now()) return undefined;
    return session.name;
  }

  /**
   * Checks a name and password and opens a session, or answers undefined. After `maxFailedLogins`
   * failures in a row a name is refused for `lockoutMs` whatever the password, to slow guessing.
   */
  async login(name: string, password: string): Promise<IssuedSession | undefined> {
    const now = this.#options.now();
    const failures = this.#failures.get(name);
    const user = this.#byName.get(name);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (failures && failures.until > now) return undefined;
    if (!user?.passwordHash || !matches) {
      const count = (failures?.count ?? 0) + 1;
      const locked = count >= this.#options.maxFailedLogins;
      if (this.#failures.size > 10_000) this.#failures.clear();
      this.#failures.set(name, {
        count: locked ? 0 : count,
        until: locked ? now + this.#options.lockoutMs : 0,
      });
      return undefined;
    }
    this.#failures.delete(name);
    return this.#serial(async () => {
      if (!this.#byName.has(name)) return undefined;
      const { secret, hash } = issueSecret('pbs');
      const session: SessionRecord = { name, expiresAt: now + this.#options.sessionTtlMs };
      const expired = [...this.#sessions].filter(([, s]) => s.expiresAt <= now).map(([key]) => key);
      await this.#batch([
        this.#sessionsRepo.putOp(hash, session),
        ...expired.map((key) => this.#sessionsRepo.delOp(key)),
      ]);
      for (const key of expired) this.#sessions.delete(key);
      this.#sessions.set(hash, session);
      return { sessionId: secret, expiresAt: session.expiresAt };
    });
  }

  /** Ends a session; an unknown or expired id is a no-op that writes nothing. */
  logout(sessionId: string): Promise<void> {
    return this.#serial(async () => {
      const key = hashSecret(sessionId);
      if (!this.#sessions.has(key)) return;
      await this.#sessionsRepo.del(key);
      this.#sessions.delete(key);
    });
  }

  /**
   * On a provider with no users yet, creates {@link INITIAL_ADMIN} (token only): the token is handed
   * to `deliver` (which writes `<data>/admin-token`) before the user is stored, so a crash between
   * the two leaves no user and the next start simply issues a new token. Returns true when it did.
   */
  ensureInitialAdmin(deliver: (token: string) => Promise<void>): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#byName.size > 0) return false;
      const { secret, hash } = issueSecret('pbt');
      await deliver(secret);
      const user: UserRecord = {
        name: INITIAL_ADMIN,
        tokens: [{ hash, createdAt: this.#isoNow() }],
        createdAt: this.#isoNow(),
      };
      await this.#users.put(INITIAL_ADMIN, user);
      this.#remember(user);
      return true;
    });
  }

  #batch(ops: StoreOp[]): Promise<void> {
    return this.#store.batch(ops);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(work, work);
    this.#writing = run.catch(() => undefined);
    return run;
  }

  #require(name: string): UserRecord {
    const user = this.#byName.get(name);
    if (!user)
      throw new PatchbayError(`no user named ${name}`, { code: 'USER_NOT_FOUND', details: { name } });
    return user;
  }

  #remember(user: UserRecord): void {
    this.#byName.set(user.name, user);
    for (const token of user.tokens) this.#byTokenHash.set(token.hash, user.name);
  }

  #forget(user: UserRecord): void {
    this.#byName.delete(user.name);
    for (const token of user.tokens) this.#byTokenHash.delete(token.hash);
  }

  #isoNow(): string {
    return new Date(this.#options.now()).toISOString();
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !USER_NAME_PATTERN.test(name)) {
    throw new PatchbayError(
      'a user name is 1–64 letters, digits or . _ @ - \\, starting with a letter or digit',
      {
        code: 'INVALID_REQUEST',
        details: { field: 'name' },
      },
    );
  }
}

function checkPassword(password: string): void {
  if (
    typeof password !== 'string' ||
    password.length < PASSWORD_LENGTH.min ||
    password.length > PASSWORD_LENGTH.max
  ) {
    throw new PatchbayError(`a password is ${PASSWORD_LENGTH.min}–${PASSWORD_LENGTH.max} characters`, {
      code: 'INVALID_REQUEST',
      details: { field: 'password' },
    });
  }
}
