import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { AgentIdentity, parseMachineAuthorization } from '../../src/provider/agentIdentity.ts';
import { Store } from '../../storage/Store.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('AgentIdentity');
const KEY = 'pbe_enrollment-key-for-tests-0123456789';
let dir: string;
let cleanup: () => Promise<void>;
let store: Store;
let identity: AgentIdentity;

test.before.each(async () => {
  ({ dir, cleanup } = await makeTempDir());
  store = await Store.open(dir);
  identity = new AgentIdentity(store, KEY);
});
test.after.each(async () => {
  await store.close();
  await cleanup();
});

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

const machine = (id: string, secret: string) => `Machine ${id}:${secret}`;

test('a first check-in with the enrollment key enrolls the machine and issues a secret', async () => {
  const result = await identity.identify('m-1', { enrollmentKey: KEY });
  assert.match(result.issuedSecret!, /^pbm_[A-Za-z0-9_-]{43}$/);
  assert.ok(await identity.isEnrolled('m-1'));
});

test('later check-ins pass with the secret and issue nothing new', async () => {
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  const again = await identity.identify('m-1', { authorization: machine('m-1', issuedSecret!) });
  assert.equal(again, { machineId: 'm-1' });
});

test('a first check-in without or with a wrong enrollment key is 401 and enrolls nothing', async () => {
  assert.is(await code(identity.identify('m-1', {})), 'UNAUTHENTICATED');
  assert.is(await code(identity.identify('m-1', { enrollmentKey: `${KEY}x` })), 'UNAUTHENTICATED');
  assert.not.ok(await identity.isEnrolled('m-1'));
});

test("an enrolled id cannot be taken over with the enrollment key, a wrong secret or another machine's secret", async () => {
  const victim = await identity.identify('victim', { enrollmentKey: KEY });
  const attacker = await identity.identify('attacker', { enrollmentKey: KEY });
  assert.is(await code(identity.identify('victim', { enrollmentKey: KEY })), 'UNAUTHENTICATED');
  assert.is(
    await code(identity.identify('victim', { authorization: machine('victim', attacker.issuedSecret!) })),
    'UNAUTHENTICATED',
  );
  assert.is(
    await code(identity.identify('victim', { authorization: machine('attacker', attacker.issuedSecret!) })),
    'UNAUTHENTICATED',
  );
  // The victim's own secret still works after every attempt.
  assert.ok(await identity.identify('victim', { authorization: machine('victim', victim.issuedSecret!) }));
});

test('two racing first check-ins for one id: exactly one is enrolled', async () => {
  const outcomes = await Promise.allSettled([
    identity.identify('m-1', { enrollmentKey: KEY }),
    identity.identify('m-1', { enrollmentKey: KEY }),
  ]);
  assert.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  const winner = outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{
    issuedSecret: string;
  }>;
  assert.ok(await identity.identify('m-1', { authorization: machine('m-1', winner.value.issuedSecret) }));
});

test('authenticate (events) accepts only the enrolled secret', async () => {
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  await identity.authenticate('m-1', machine('m-1', issuedSecret!));
  assert.is(await code(identity.authenticate('m-1', undefined)), 'UNAUTHENTICATED');
  assert.is(await code(identity.authenticate('m-2', machine('m-2', issuedSecret!))), 'UNAUTHENTICATED');
});

test('secrets survive a restart and only their hash is stored', async () => {
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  await store.close();
  store = await Store.open(dir);
  const reopened = new AgentIdentity(store, KEY);
  assert.ok(await reopened.identify('m-1', { authorization: machine('m-1', issuedSecret!) }));
  const raw: string[] = [];
  for await (const [, value] of store.sublevel('machineCredentials').iterator() as AsyncIterable<
    [string, unknown]
  >)
    raw.push(JSON.stringify(value));
  assert.is(raw.length, 1);
  assert.not.ok(raw[0]!.includes(issuedSecret!));
});

test('forget lets a machine enroll again and voids its old secret', async () => {
  const first = await identity.identify('m-1', { enrollmentKey: KEY });
  assert.ok(await identity.forget('m-1'));
  assert.not.ok(await identity.forget('m-1'));
  const second = await identity.identify('m-1', { enrollmentKey: KEY });
  assert.is.not(second.issuedSecret, first.issuedSecret);
  assert.is(await code(identity.authenticate('m-1', machine('m-1', first.issuedSecret!))), 'UNAUTHENTICATED');
});

test('a secret checked once is accepted from memory, without reading the store again', async () => {
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  const other = await identity.identify('m-2', { enrollmentKey: KEY });
  await store.close();
  try {
    assert.equal(await identity.identify('m-1', { authorization: machine('m-1', issuedSecret!) }), {
      machineId: 'm-1',
    });
    await identity.authenticate('m-1', machine('m-1', issuedSecret!));
    // Another machine's secret is not in memory for this id: the store is asked, and it is closed.
    assert.is.not(await code(identity.authenticate('m-1', machine('m-1', other.issuedSecret!))), undefined);
  } finally {
    store = await Store.open(dir);
  }
});

/** `store`, except that the first read of a sublevel is answered only after `release()`. */
function withHeldFirstRead(base: Store): { store: Store; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reads = 0;
  const sublevel = (name: string) => {
    const real = base.sublevel(name);
    return new Proxy(real, {
      get(target, property) {
        if (property === 'get') {
          return async (key: string) => {
            const value = await target.get(key);
            if (reads++ === 0) await gate;
            return value;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  const store = new Proxy(base, {
    get(target, property) {
      if (property === 'sublevel') return sublevel;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, release };
}

test('a check that read the secret before a forget does not let it in afterwards', async () => {
  const { issuedSecret } = await identity.identify('m-1', { enrollmentKey: KEY });
  const held = withHeldFirstRead(store);
  const reopened = new AgentIdentity(held.store, KEY);
  // The check reads the secret, and its answer arrives only after the forget is done.
  const checking = reopened.authenticate('m-1', machine('m-1', issuedSecret!));
  assert.ok(await reopened.forget('m-1'));
  held.release();
  await checking;
  assert.is(await code(reopened.authenticate('m-1', machine('m-1', issuedSecret!))), 'UNAUTHENTICATED');
});

test('parseMachineAuthorization splits at the last colon and refuses other schemes', () => {
  assert.equal(parseMachineAuthorization('Machine host:01:pbm_abc'), { id: 'host:01', secret: 'pbm_abc' });
  assert.is(parseMachineAuthorization('Bearer x:y'), undefined);
  assert.is(parseMachineAuthorization('Machine nocolon'), undefined);
  assert.is(parseMachineAuthorization(undefined), undefined);
});

test.run();
