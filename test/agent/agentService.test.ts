import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentStatus } from '../../src/agent/agentStatus.ts';
import { parseAgentConfig } from '../../src/agent/config.ts';
import { startAgentServer } from '../../src/cli/agentServer.ts';
import { startContentServer } from '../helpers/contentServer.ts';
import { until } from '../helpers/deferredActor.ts';
import { eventually } from '../helpers/e2eWorld.ts';
import { startFakeProvider } from '../helpers/fakeProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { requestJson } from '../helpers/testProvider.ts';

const FIXTURE = new URL('../../fixtures/packages/demo-server-25.01.01.12-patch1.tar.gz', import.meta.url);

async function setup(mode: 'manual' | 'download' | 'automatic' | 'notify', highPriority = false) {
  const bytes = await readFile(FIXTURE);
  const manifest = JSON.parse(await readFile(new URL(`${FIXTURE.href}.manifest.json`), 'utf8'));
  const content = await startContentServer(new Map([[`/content/${manifest.sha256}`, bytes]]));
  const update = {
    id: 'u-patch1',
    application: manifest.application,
    productLine: manifest.productLine,
    version: manifest.version,
    upgradeCode: manifest.upgradeCode,
    productCode: manifest.productCode,
    installType: manifest.installType,
    installProperties: {},
    sha256: manifest.sha256,
    size: bytes.length,
    signed: false,
    urls: [`${content.url}/content/${manifest.sha256}`],
  };
  const provider = await startFakeProvider({
    '/agent/v1/checkin': {
      body: {
        group: { id: 'default', name: 'Default', locked: false },
        settings: {
          mode,
          installDay: 'everyday',
          installHour: 3,
          checkInterval: { minMs: 60_000, maxMs: 60_000 },
        },
        providers: [],
        planEtag: 'e1',
        actions: [{ kind: 'install', highPriority, update }],
      },
    },
    '/agent/v1/events': { status: 202, body: { accepted: 1 } },
  });
  const { dir, cleanup } = await makeTempDir('pb-agent-');
  const config = parseAgentConfig({
    providers: [provider.url],
    mode,
    checkInterval: { minMs: 60_000, maxMs: 60_000 },
    control: { port: 0 },
    verifySignatures: false,
  });
  const agent = await startAgentServer({ dataDir: dir, config });
  const control = (method: string, path: string, body?: unknown) =>
    requestJson(agent.url, method, path, body);
  const status = async () => (await control('GET', '/status')).body as AgentStatus;
  const reported = () =>
    provider.received
      .filter((r) => r.path === '/agent/v1/events')
      .flatMap((r) => (r.body as { events: { type: string; seq: number }[] }).events);
  return {
    dir,
    agent,
    provider,
    content,
    update,
    control,
    status,
    reported,
    async dispose() {
      await agent.close();
      await provider.close();
      await content.close();
      await cleanup();
    },
  };
}

const service = suite('AgentService with a fake provider');

service('download mode: a check downloads and waits; apply installs and reports in order', async () => {
  const t = await setup('download');
  try {
    await until(() => t.provider.received.some((r) => r.path === '/agent/v1/checkin'));
    // Generous deadlines: they only bound a broken agent, a slow CI machine must not trip them.
    const s = await eventually(t.status, (status) => status.phase === 'ready', 30_000, 'phase ready');
    assert.is(s.updates[0]?.download?.state, 'done');
    assert.is((await t.control('POST', '/apply')).status, 202);
    await eventually(t.status, (status) => status.phase === 'idle', 30_000, 'phase idle after apply');
    const current = await readFile(join(t.dir, 'apps', 'patchbay-demo-server', 'current', 'VERSION'), 'utf8');
    assert.match(current, t.update.version);
    await until(() => t.reported().some((e) => e.type === 'install.succeeded'));
    const types = t.reported().map((e) => e.type);
    assert.equal(types, ['download.started', 'download.succeeded', 'install.started', 'install.succeeded']);
    const seqs = t.reported().map((e) => e.seq);
    assert.equal(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
  } finally {
    await t.dispose();
  }
});

service.run();

const reporting = suite('AgentService reporting');

reporting(
  'a check-in reply over maxMessageSize is refused and reported as check.failed MESSAGE_TOO_LARGE',
  async () => {
    const provider = await startFakeProvider({
      '/agent/v1/checkin': { body: { padding: 'x'.repeat(4096) } },
      '/agent/v1/events': { status: 202, body: {} },
    });
    const { dir, cleanup } = await makeTempDir('pb-agent-');
    const agent = await startAgentServer({
      dataDir: dir,
      config: parseAgentConfig({
        providers: [provider.url],
        maxMessageSize: 1024,
        checkInterval: { minMs: 60_000, maxMs: 60_000 },
        control: { port: 0 },
      }),
    });
    try {
      await until(() => provider.received.some((r) => r.path === '/agent/v1/events'));
      const events = provider.received
        .filter((r) => r.path === '/agent/v1/events')
        .flatMap((r) => (r.body as { events: { type: string; detail?: string }[] }).events);
      assert.is(events[0]?.type, 'check.failed');
      assert.match(events[0]?.detail ?? '', /^MESSAGE_TOO_LARGE: /);
      const status = (await requestJson(agent.url, 'GET', '/status')).body as AgentStatus;
      assert.is(status.lastError?.code, 'MESSAGE_TOO_LARGE');
    } finally {
      await agent.close();
      await provider.close();
      await cleanup();
    }
  },
);

reporting('the machine id is made at the first start and kept across restarts', async () => {
  const provider = await startFakeProvider({});
  const { dir, cleanup } = await makeTempDir('pb-agent-');
  try {
    const config = parseAgentConfig({ providers: [provider.url], mode: 'manual', control: { port: 0 } });
    const first = await startAgentServer({ dataDir: dir, config });
    const id = first.service.identity.id;
    await first.close();
    const second = await startAgentServer({ dataDir: dir, config });
    try {
      assert.is(second.service.identity.id, id);
      assert.match(id, /^[0-9a-f-]{36}$/);
    } finally {
      await second.close();
    }
  } finally {
    await provider.close();
    await cleanup();
  }
});

reporting.run();
