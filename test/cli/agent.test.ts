import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAgentConfig } from '../../src/agent/config.ts';
import { startAgentServer } from '../../src/cli/agentServer.ts';
import { formatBytes, progressLine } from '../../src/cli/progressBars.ts';
import { startFakeProvider } from '../helpers/fakeProvider.ts';
import { makeTempDir } from '../helpers/tempDir.ts';
import { runCli } from './runCli.ts';

const cli = suite('patchbay agent (CLI against a running agent)');

cli('status, settings --mode and log talk to the control API; a stopped agent is a clear error', async () => {
  const provider = await startFakeProvider({});
  const { dir, cleanup } = await makeTempDir('pb-cli-agent-');
  const agent = await startAgentServer({
    dataDir: dir,
    config: parseAgentConfig({ providers: [provider.url], mode: 'manual', control: { port: 0 } }),
  });
  try {
    const status = await runCli(['agent', 'status', '--control', agent.url]);
    assert.is(status.code, 0, status.stderr);
    assert.match(status.stdout, /mode\s+manual/);
    assert.match(status.stdout, /updates\s+none/);
    const changed = await runCli(['agent', 'settings', '--mode', 'notify', '--control', agent.url]);
    assert.is(changed.code, 0, changed.stderr);
    assert.is(JSON.parse(changed.stdout).settings.mode, 'notify');
    const log = await runCli(['agent', 'log', 'u1', '--control', agent.url]);
    assert.is.not(log.code, 0);
    assert.match(log.stderr, /UPDATE_NOT_FOUND|no install log/);
  } finally {
    await agent.close();
    await provider.close();
    await cleanup();
  }
  const gone = await runCli(['agent', 'status', '--control', agent.url]);
  assert.is.not(gone.code, 0);
  assert.match(gone.stderr, /not reachable/);
});

cli('running the service without any provider is a usage error', async () => {
  const { dir, cleanup } = await makeTempDir('pb-cli-agent-');
  const result = await runCli(['agent', '--data', dir]);
  assert.is(result.code, 2);
  assert.match(result.stderr, /provider/);
  await cleanup();
});

cli('an invalid config stops the start with CONFIG_INVALID naming the key', async () => {
  const { dir, cleanup } = await makeTempDir('pb-cli-agent-');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(`${dir}/agent.json`, JSON.stringify({ installHour: 25 }));
  const result = await runCli(['agent', '--data', dir, '--provider', 'http://127.0.0.1:1']);
  assert.is.not(result.code, 0);
  assert.match(result.stderr, /config\.installHour/);
  await cleanup();
});

const bars = suite('progressLine');

bars('draws bytes, percent and rate of a running download', () => {
  const line = progressLine(
    {
      id: 'u1',
      action: 'install',
      application: 'Demo',
      version: '1.0',
      installType: 'Patch',
      highPriority: false,
      size: 1000,
      phase: 'pending',
      download: { state: 'running', bytes: 500, total: 1000, rate: 2000 },
    },
    10,
  );
  assert.is(line, 'Demo 1.0  [#####.....]  50%  500 B/1.0 KB  2.0 KB/s  download running');
  assert.is(formatBytes(12_300_000), '12.3 MB');
});

cli.run();
bars.run();
