import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type CheckInRequest, checkIn, postEvents, toWireEvent } from '../../src/agent/providerClient.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { createCleanups } from '../helpers/cleanups.ts';
import { type FakeAnswer, startFakeProvider } from '../helpers/fakeProvider.ts';

const body: CheckInRequest = {
  machine: { id: 'm1', name: 'desk-01', agentVersion: '0.1.0' },
  settings: { mode: 'automatic', installDay: 'everyday', installHour: 3 },
  installed: [],
  status: { restartRequired: false },
};

const sha = 'a'.repeat(64);
const reply = {
  serverTime: '2024-01-10T12:00:00.000Z',
  group: { id: 'default', name: 'Default', locked: false },
  settings: {
    mode: 'automatic',
    installDay: 'everyday',
    installHour: 3,
    checkInterval: { minMs: 1000, maxMs: 2000 },
  },
  providers: ['http://remote:8092'],
  planEtag: 'e1',
  actions: [
    {
      kind: 'install',
      highPriority: true,
      update: {
        id: 'u1',
        application: 'Desk App',
        productLine: 'CIC',
        release: '2015 R1',
        patch: 'Patch2',
        installType: 'Patch',
        version: '15.01.02.07',
        upgradeCode: 'UC',
        productCode: 'PC',
        fileName: 'desk.tar.gz',
        size: 10,
        sha256: sha,
        signed: false,
        state: 'GA',
        installProperties: { A: 'b' },
        urls: ['/content/' + sha],
      },
    },
  ],
};

const options = { maxMessageSize: 262_144, sendTimeoutMs: 2000 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isPatchbayError(error) ? error.code : String(error);
  }
}

const opened = createCleanups();

/** A fake provider closed after the test, also when it fails. */
async function fakeProvider(answers: Record<string, FakeAnswer>) {
  return opened.add(await startFakeProvider(answers), (provider) => provider.close());
}

const check = suite('checkIn');
check.after.each(opened.release);

check('posts the body and returns the parsed reply with absolute content URLs', async () => {
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: reply } });
  const result = await checkIn(provider.url, body, options);
  assert.equal(provider.received[0], { path: '/agent/v1/checkin', body });
  assert.is(result.planEtag, 'e1');
  assert.equal(result.actions?.[0]?.update.urls, [`${provider.url}/content/${sha}`]);
  assert.is(result.actions?.[0]?.highPriority, true);
});

check('an update without URLs gets the provider content URL', async () => {
  const noUrls = structuredClone(reply);
  noUrls.actions[0]!.update.urls = [];
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: noUrls } });
  const result = await checkIn(provider.url, body, options);
  assert.equal(result.actions?.[0]?.update.urls, [`${provider.url}/content/${sha}`]);
});

check('an unchanged reply has no actions', async () => {
  const { actions: _actions, ...rest } = reply;
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: { ...rest, unchanged: true } } });
  const result = await checkIn(provider.url, body, options);
  assert.is(result.unchanged, true);
  assert.is(result.actions, undefined);
});

check('a reply over maxMessageSize (declared length) is MESSAGE_TOO_LARGE', async () => {
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: reply } });
  assert.is(
    await codeOf(checkIn(provider.url, body, { ...options, maxMessageSize: 100 })),
    'MESSAGE_TOO_LARGE',
  );
});

check('a streamed reply over maxMessageSize is MESSAGE_TOO_LARGE', async () => {
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: reply, chunked: true } });
  assert.is(
    await codeOf(checkIn(provider.url, body, { ...options, maxMessageSize: 100 })),
    'MESSAGE_TOO_LARGE',
  );
});

check('a slow provider is REQUEST_TIMEOUT after sendTimeoutMs', async () => {
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: reply, delayMs: 500 } });
  assert.is(await codeOf(checkIn(provider.url, body, { ...options, sendTimeoutMs: 100 })), 'REQUEST_TIMEOUT');
});

check('an error status is PROVIDER_UNAVAILABLE naming the provider code', async () => {
  const provider = await fakeProvider({
    '/agent/v1/checkin': { status: 400, body: { error: { code: 'INVALID_REQUEST', message: 'x' } } },
  });
  try {
    await checkIn(provider.url, body, options);
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'PROVIDER_UNAVAILABLE'));
    assert.is((error as { details?: { providerCode?: string } }).details?.providerCode, 'INVALID_REQUEST');
  }
});

check('a malformed reply is PROVIDER_UNAVAILABLE', async () => {
  const provider = await fakeProvider({ '/agent/v1/checkin': { body: { group: 'nope' } } });
  assert.is(await codeOf(checkIn(provider.url, body, options)), 'PROVIDER_UNAVAILABLE');
});

check('an unreachable provider is PROVIDER_UNAVAILABLE', async () => {
  assert.is(await codeOf(checkIn('http://127.0.0.1:1', body, options)), 'PROVIDER_UNAVAILABLE');
});

check.run();

const events = suite('postEvents');
events.after.each(opened.release);

events('posts { machineId, events } in order', async () => {
  const provider = await fakeProvider({ '/agent/v1/events': { status: 202 } });
  const list = [
    { type: 'download.started' as const, updateId: 'u1', at: '2024-01-10T12:00:00.000Z' },
    { type: 'download.succeeded' as const, updateId: 'u1', at: '2024-01-10T12:00:01.000Z' },
  ];
  await postEvents(provider.url, 'm1', list, options);
  assert.equal(provider.received[0], { path: '/agent/v1/events', body: { machineId: 'm1', events: list } });
});

events('a refused delivery rejects, so the caller keeps the events', async () => {
  const provider = await fakeProvider({ '/agent/v1/events': { status: 503 } });
  assert.is(await codeOf(postEvents(provider.url, 'm1', [], options)), 'PROVIDER_UNAVAILABLE');
});

events.run();

const wire = suite('toWireEvent');

wire('keeps seq, type, update and time, and turns the detail into one line of text', () => {
  const event = toWireEvent(
    {
      type: 'install.failed',
      updateId: 'u1',
      detail: {
        code: 'INSTALL_FAILED',
        message: 'exit 1603',
        exitCode: 1603,
        logFile: '/x.log',
        skipped: undefined,
      },
    },
    7,
    '2024-01-10T12:00:00.000Z',
  );
  assert.equal(event, {
    seq: 7,
    type: 'install.failed',
    updateId: 'u1',
    at: '2024-01-10T12:00:00.000Z',
    detail: 'INSTALL_FAILED: exit 1603 — exitCode=1603, logFile=/x.log',
  });
  assert.is(toWireEvent({ type: 'check.failed' }, 1, 'now').detail, undefined);
  const long = toWireEvent({ type: 'check.failed', detail: { message: 'x'.repeat(5000) } }, 2, 'now');
  assert.is(long.detail?.length, 4096);
});

wire.run();
