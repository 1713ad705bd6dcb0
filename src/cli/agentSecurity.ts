import { join } from 'node:path';
import type { Store } from '../../storage/Store.ts';
import { AgentIdentity } from '../provider/agentIdentity.ts';
import { isExposed, loadOrCreateSecretFile, readSecretFile } from '../provider/auth/secretFiles.ts';
import { issueSecret } from '../provider/auth/secretToken.ts';
import {
  restoreVerifiedDump,
  saveVerifiedDump,
  VERIFIED_DUMP_FILE,
} from '../provider/auth/verifiedCredentialsDump.ts';
import { generateUrlKey, memoizedContentSigner, parseUrlKey } from '../provider/signedUrls.ts';

/** The file a first start writes the enrollment key to (unless one is configured). */
export const ENROLLMENT_KEY_FILE = 'enrollment-key';
/** The file a first start writes the content URL key to (unless key files are configured). */
export const URL_KEY_FILE = 'url-key';

/** How agents are identified and content URLs signed. */
export interface AgentSecurityOptions {
  dataDir: string;
  /** The enrollment key agents present at first check-in; default: `<data>/enrollment-key`, made at first start. */
  enrollmentKey?: string;
  /**
   * Files holding content URL keys (base64url): the first signs, all verify. Default
   * `<data>/url-key`, made at first start. A remote cache is given the same file.
   */
  urlKeyFiles?: string[];
  /** How long a content URL handed to an agent stays valid (default 86,400 s; rounded up to the hour). */
  contentUrlTtlSeconds?: number;
  log?: (line: string) => void;
}

/** The agent-facing security pieces. */
export interface AgentSecurity {
  identity: AgentIdentity;
  urlKeys: Buffer[];
  /** A signed `/content/<sha256>?exp=…&sig=…` path for a check-in reply. */
  signContentPath(sha256: string, nowMs?: number): string;
  /** Saves the verified-secret fingerprints for the next start; call at clean shutdown, before the store closes. */
  saveVerified(): Promise<void>;
}

async function secretFile(path: string, make: () => string, what: string, log: (line: string) => void) {
  const { value, created } = await loadOrCreateSecretFile(path, make);
  if (created) log(`first start: the ${what} is in ${path} (mode 0600)`);
  else if (await isExposed(path)) log(`warning: ${path} is readable by other users; chmod 600 it`);
  return value;
}

/**
 * Loads (or, at first start, creates with mode 0600) the enrollment key and the content URL key,
 * and opens the machine credentials, with the fingerprints of verified secrets a clean shutdown
 * saved. Logs file paths, never the keys.
 */
export async function openAgentSecurity(store: Store, options: AgentSecurityOptions): Promise<AgentSecurity> {
  const log = options.log ?? (() => {});
  const enrollmentKey =
    options.enrollmentKey ??
    (await secretFile(
      join(options.dataDir, ENROLLMENT_KEY_FILE),
      () => issueSecret('pbe').secret,
      'agent enrollment key',
      log,
    ));
  const urlKeys: Buffer[] = [];
  if (options.urlKeyFiles && options.urlKeyFiles.length > 0) {
    for (const file of options.urlKeyFiles) {
      const text = await readSecretFile(file);
      if (text === undefined) throw new Error(`cannot read URL key file ${file}`);
      urlKeys.push(parseUrlKey(text));
    }
  } else {
    urlKeys.push(
      parseUrlKey(
        await secretFile(join(options.dataDir, URL_KEY_FILE), generateUrlKey, 'content URL key', log),
      ),
    );
  }
  const ttl = options.contentUrlTtlSeconds ?? 86_400;
  const identity = new AgentIdentity(store, enrollmentKey);
  const dumpPath = join(options.dataDir, VERIFIED_DUMP_FILE);
  await restoreVerifiedDump(identity, store, dumpPath);
  const sign = memoizedContentSigner(urlKeys[0]!, ttl);
  return {
    identity,
    urlKeys,
    signContentPath: (sha256, nowMs = Date.now()) => sign(sha256, nowMs),
    saveVerified: () => saveVerifiedDump(identity, store, dumpPath),
  };
}
