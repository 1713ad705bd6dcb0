import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentStatus } from '../../src/agent/agentStatus.ts';
import { parseAgentConfig } from '../../src/agent/config.ts';
import { startAgentServer } from '../../src/cli/agentServer.ts';
import { eventually } from '../helpers/e2eWorld.ts';
import { type FakeAnswer, startFakeProvider } from '../helpers/fakeProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { requestJson } from '../helpers/testProvider.ts';

function checkInReply(locked: boolean): FakeAnswer {
  return {
    body: {
      group: { id: locked ? 'night' : 'default', name: locked ? 'Night' : 'Default', locked },
      settings: {
        mode: 'notify',
        installDay: 'sunday',
        installHour: 22,
        checkInterval: { minMs: 60_000, maxMs: 60_000 },
      },
      providers: [],
      planEtag: 'e0',
      actions: [],
    },
  };
}

async function setup(answer: FakeAnswer) {
  const provider = await startFakeProvider({
    '/agent/v1/checkin': answer,
    '/agent/v1/events': { status: 202, body: {} },
  });
  const { dir, cleanup } = await makeTempDir('pb-control-');
  const config = parseAgentConfig({
    providers: [provider.url],
    mode: 'manual',
    checkInterval: { minMs: 60_000, maxMs: 60_000 },
    control: { port: 0 },
  });
  const agent = await startAgentServer({ dataDir: dir, config });
  const call = (method: string, path: string, body?: unknown) => requestJson(agent.url, method, path, body);
  return {
    provider,
    agent,
    call,
    status: async () => (await call('GET', '/status')).body as AgentStatus,
    async dispose() {
      await agent.close();
      await provider.close();
      await cleanup();
    },
  };
}

const control = suite('createAgentControlApp');

control('binds to 127.0.0.1 and answers the status of a manual agent that never checked', async () => {
  const t = await setup(checkInReply(false));
  try {
    assert.match(t.agent.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const status = await t.status();
    assert.is(status.mode, 'manual');
    assert.is(status.phase, 'idle');
    assert.is(status.nextCheckAt, null);
    assert.equal(status.updates, []);
    assert.is(t.provider.received.length, 0);
  } finally {
    await t.dispose();
  }
});

control('PUT /settings changes the mode in the default group', async () => {
  const t = await setup(checkInReply(false));
  try {
    const reply = await t.call('PUT', '/settings', { mode: 'download', installHour: 4 });
    assert.is(reply.status, 200);
    assert.is(reply.body.settings.mode, 'download');
    assert.is((await t.status()).settings.installHour, 4);
  } finally {
    await t.dispose();
  }
});

control('PUT /settings is 409 SETTINGS_LOCKED once a locked group owns the settings', async () => {
  const t = await setup(checkInReply(true));
  try {
    assert.is((await t.call('POST', '/check')).status, 202);
    await eventually(t.status, (status) => status.locked, 15_000, 'the locked group applied');
    assert.is((await t.status()).settings.mode, 'notify', 'the group settings replace the local ones');
    const reply = await t.call('PUT', '/settings', { mode: 'automatic' });
    assert.is(reply.status, 409);
    assert.is(reply.body.error.code, 'SETTINGS_LOCKED');
  } finally {
    await t.dispose();
  }
});

control('while a check runs, check and settings are 409 AGENT_BUSY', async () => {
  // The check-in stays unanswered until the end of the test, so the check is surely still running
  // (a fixed 500 ms delay let a slow machine finish it before the second request).
  let answer = () => {};
  const heldUntil = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const t = await setup({ ...checkInReply(false), heldUntil });
  try {
    assert.is((await t.call('POST', '/check')).status, 202);
    const again = await t.call('POST', '/check');
    assert.is(again.status, 409);
    assert.is(again.body.error.code, 'AGENT_BUSY');
    const settings = await t.call('PUT', '/settings', { mode: 'notify' });
    assert.is(settings.status, 409);
    assert.is(settings.body.error.code, 'AGENT_BUSY');
  } finally {
    answer();
    await t.dispose();
  }
});

control(
  'POST /apply: an unknown id is 404, nothing to apply is 409; cancel with nothing running says so',
  async () => {
    const t = await setup(checkInReply(false));
    try {
      const apply = await t.call('POST', '/apply', { ids: ['nope'] });
      assert.is(apply.status, 404);
      assert.is(apply.body.error.code, 'UPDATE_NOT_FOUND');
      const express = await t.call('POST', '/apply');
      assert.is(express.status, 409);
      assert.is(express.body.error.code, 'AGENT_BUSY');
      assert.match(express.body.error.message, /the agent is idle: APPLY is not possible now/);
      const cancel = await t.call('POST', '/cancel');
      assert.equal(cancel.body, { cancelled: false, phase: 'idle' });
    } finally {
      await t.dispose();
    }
  },
);

control(
  'GET /log/:id is 404 UPDATE_NOT_FOUND without a log; /debug/machines lists the agent machines',
  async () => {
    const t = await setup(checkInReply(false));
    try {
      const log = await t.call('GET', '/log/u1');
      assert.is(log.status, 404);
      assert.is(log.body.error.code, 'UPDATE_NOT_FOUND');
      const machines = await t.call('GET', '/debug/machines');
      assert.is(machines.status, 200);
      const names = JSON.stringify(machines.body);
      for (const kind of ['clientMachine', 'download', 'install']) assert.ok(names.includes(kind), kind);
    } finally {
      await t.dispose();
    }
  },
);

control.run();
