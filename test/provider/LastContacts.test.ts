import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONTACT_FLUSH_MS, FLUSH_CHUNK, LastContacts } from '../../src/provider/LastContacts.ts';
import type { ActorHost } from '../../src/runtime/ActorHost.ts';
import { Store, type StoreOp } from '../../storage/Store.ts';
import { makeTempDir } from '../helpers/tempDir.ts';

const test = suite('LastContacts');

/**
 * A store and the part of a host LastContacts writes through: `write` commits to the store, unless
 * the test holds it (to look in the middle of a flush) or makes it fail. The flush period is an
 * hour, so tests flush by hand, unless `flushMs` is 'default' (LastContacts' own).
 */
async function setUp(flushMs: number | 'default' = 3_600_000) {
  const { dir, cleanup } = await makeTempDir();
  const store = await Store.open(dir);
  /** `fail`: every write fails; `failures`: that many writes fail, then they succeed. */
  const control = { fail: false, failures: 0 };
  let gate: Promise<void> | undefined;
  let release = () => {};
  /** How many ops each write carried, in order. */
  const writes: number[] = [];
  const host = {
    write: async (ops: StoreOp[]) => {
      writes.push(ops.length);
      if (gate) await gate;
      if (control.fail || control.failures-- > 0) throw new Error('disk gone');
      await store.batch(ops);
    },
  } as unknown as ActorHost;
  const contacts = new LastContacts(store, host, flushMs === 'default' ? undefined : flushMs);
  const stored = (id: string) => store.sublevel('lastContact').get(id);
  return {
    contacts,
    stored,
    control,
    writes,
    holdWrites: () => {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    releaseWrites: () => {
      gate = undefined;
      release();
    },
    close: async () => {
      control.fail = false;
      await contacts.close();
      await store.close();
      await cleanup();
    },
  };
}

const T1 = Date.UTC(2026, 0, 1, 10, 0, 0);
const T2 = T1 + 60_000;

test('a touched time is known from memory, and after a flush from the store as an ISO time', async () => {
  const world = await setUp();
  try {
    world.contacts.touch('m1', T1);
    assert.is(await world.contacts.get('m1'), T1);
    assert.is(await world.stored('m1'), undefined);
    await world.contacts.flush();
    assert.is(await world.stored('m1'), new Date(T1).toISOString());
    assert.is(await world.contacts.get('m1'), T1);
    assert.equal(await world.contacts.all(), new Map([['m1', T1]]));
  } finally {
    await world.close();
  }
});

test('a flush writes every pending time in chunks of FLUSH_CHUNK, so no one batch holds the loop long', async () => {
  const world = await setUp();
  try {
    const count = FLUSH_CHUNK * 3 + 17;
    for (let i = 0; i < count; i++) world.contacts.touch(`m${i}`, T1 + i);
    await world.contacts.flush();
    assert.equal(world.writes, [FLUSH_CHUNK, FLUSH_CHUNK, FLUSH_CHUNK, 17]);
    for (const i of [0, FLUSH_CHUNK - 1, FLUSH_CHUNK, count - 1]) {
      assert.is(await world.stored(`m${i}`), new Date(T1 + i).toISOString());
    }
    assert.is((await world.contacts.all()).size, count);
  } finally {
    await world.close();
  }
});

test('while a flush writes, its times are still read, and a newer touch is kept for the next flush', async () => {
  const world = await setUp();
  try {
    world.contacts.touch('m1', T1);
    world.contacts.touch('m2', T1);
    world.holdWrites();
    const flushing = world.contacts.flush();
    assert.is(await world.contacts.get('m1'), T1);
    world.contacts.touch('m2', T2);
    assert.equal(
      await world.contacts.all(),
      new Map([
        ['m1', T1],
        ['m2', T2],
      ]),
    );
    world.releaseWrites();
    await flushing;
    assert.is(await world.stored('m2'), new Date(T1).toISOString());
    assert.is(await world.contacts.get('m2'), T2);
    await world.contacts.flush();
    assert.is(await world.stored('m2'), new Date(T2).toISOString());
  } finally {
    await world.close();
  }
});

test('a failed flush leaves its times pending, a newer touch winning, and the next flush writes them', async () => {
  const world = await setUp();
  try {
    world.contacts.touch('m1', T1);
    world.contacts.touch('m2', T1);
    world.holdWrites();
    world.control.fail = true;
    const flushing = world.contacts.flush();
    world.contacts.touch('m2', T2);
    world.releaseWrites();
    await flushing.then(
      () => assert.unreachable('the flush should fail'),
      (error: Error) => assert.is(error.message, 'disk gone'),
    );
    assert.is(await world.stored('m1'), undefined);
    assert.is(await world.contacts.get('m1'), T1);
    assert.is(await world.contacts.get('m2'), T2);
    world.control.fail = false;
    await world.contacts.flush();
    assert.is(await world.stored('m1'), new Date(T1).toISOString());
    assert.is(await world.stored('m2'), new Date(T2).toISOString());
  } finally {
    await world.close();
  }
});

test('a flush waiting on one that fails does not fail with it, and writes the times put back', async () => {
  const world = await setUp();
  try {
    world.contacts.touch('m1', T1);
    world.holdWrites();
    world.control.failures = 1;
    const failing = world.contacts.flush();
    const waiting = world.contacts.flush();
    world.releaseWrites();
    await failing.then(
      () => assert.unreachable('the first flush should fail'),
      (error: Error) => assert.is(error.message, 'disk gone'),
    );
    await waiting;
    assert.is(await world.stored('m1'), new Date(T1).toISOString());
  } finally {
    await world.close();
  }
});

test('by default a touched time reaches the store on its own within CONTACT_FLUSH_MS', async () => {
  const world = await setUp('default');
  try {
    assert.ok(CONTACT_FLUSH_MS <= 1_000, 'a crash loses at most a second of last contacts');
    world.contacts.touch('m1', T1);
    // No flush() here: the default timer writes it. Wait a few periods to leave room for a busy CI.
    const deadline = Date.now() + 20 * CONTACT_FLUSH_MS;
    while ((await world.stored('m1')) === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, CONTACT_FLUSH_MS / 5));
    }
    assert.is(await world.stored('m1'), new Date(T1).toISOString());
  } finally {
    await world.close();
  }
});

test.run();
