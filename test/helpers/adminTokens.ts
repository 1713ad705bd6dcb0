/**
 * Admin tokens of the providers a test started, by base URL, so helpers that take only a URL
 * (publish, setState, activity) can authenticate like an administrator would.
 */
const TOKENS = new Map<string, string>();

/** Remembers the admin token of the provider at `baseUrl`. */
export function rememberAdminToken(baseUrl: string, token: string): void {
  TOKENS.set(new URL(baseUrl).origin, token);
}

/** The Authorization header for the provider at `baseUrl`, or none when its token is unknown. */
export function adminAuthFor(baseUrl: string): Record<string, string> {
  const token = TOKENS.get(new URL(baseUrl).origin);
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
