import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentIdentity } from '../../../src/provider/agentIdentity.ts';
import { restoreVerifiedDump, saveVerifiedDump } from '../../../src/provider/auth/verifiedCredentialsDump.ts';
import { Store } from '../../../storage/Store.ts';
import { makeTempDir } from '../../helpers/tempDir.ts';

const test = suite('verified credentials dump');
const KEY = 'pbe_enrollment-key-for-tests-0123456789';
let dir: string;
let cleanup: () => Promise<void>;
let store: Store;
let dump: string;

test.before.each(async () => {
  ({ dir, cleanup } = await makeTempDir());
  store = await Store.open(join(dir, 'db'));
  dump = join(dir, 'machine-fingerprints.bin');
});
test.after.each(async () => {
  if (store.isOpen) await store.close();
  await cleanup();
});

/** Enrolls `m-1`, checks its secret once, and saves the dump as a clean shutdown does. */
async function enrolledAndSaved(): Promise<string> {
  const identity = new AgentIdentity(store, KEY);
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  await saveVerifiedDump(identity, store, dump);
  return `Machine m-1:${issuedSecret}`;
}

/** True when `identity` accepts `authorization` from memory alone (the store is closed meanwhile). */
async function acceptedFromMemory(identity: AgentIdentity, authorization: string): Promise<boolean> {
  await store.close();
  try {
    await identity.authenticate('m-1', authorization);
    return true;
  } catch {
    return false;
  } finally {
    store = await Store.open(join(dir, 'db'));
  }
}

test('the next start takes the fingerprints back, and deletes the dump and its token', async () => {
  const authorization = await enrolledAndSaved();
  const next = new AgentIdentity(store, KEY);
  assert.ok(await restoreVerifiedDump(next, store, dump));
  assert.not.ok(existsSync(dump));
  assert.ok(await acceptedFromMemory(next, authorization));
  // Read once: a second start (as after a crash) finds neither the dump nor the token.
  assert.not.ok(await restoreVerifiedDump(new AgentIdentity(store, KEY), store, dump));
});

test('a dump whose token is not in the store is ignored and deleted', async () => {
  const authorization = await enrolledAndSaved();
  await store.sublevel('identityMeta').clear();
  const next = new AgentIdentity(store, KEY);
  assert.not.ok(await restoreVerifiedDump(next, store, dump));
  assert.not.ok(existsSync(dump));
  assert.not.ok(await acceptedFromMemory(next, authorization));
});

test('a dump from another save than the store remembers is ignored', async () => {
  const authorization = await enrolledAndSaved();
  const older = await readFile(dump);
  await saveVerifiedDump(new AgentIdentity(store, KEY), store, dump);
  await writeFile(dump, older);
  const next = new AgentIdentity(store, KEY);
  assert.not.ok(await restoreVerifiedDump(next, store, dump));
  assert.not.ok(await acceptedFromMemory(next, authorization));
});

test('a damaged dump is ignored, and the secret is still accepted from the store', async () => {
  const authorization = await enrolledAndSaved();
  const bytes = await readFile(dump);
  await writeFile(dump, bytes.subarray(0, bytes.length - 3));
  const next = new AgentIdentity(store, KEY);
  assert.not.ok(await restoreVerifiedDump(next, store, dump));
  await next.authenticate('m-1', authorization);
});

test('no dump (a first start, or after a crash) is not an error', async () => {
  assert.not.ok(await restoreVerifiedDump(new AgentIdentity(store, KEY), store, dump));
});

test.run();
