import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAgentConfig, parseAgentConfig } from '../../src/agent/config.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';

function invalidKeys(value: unknown): string[] {
  try {
    parseAgentConfig(value);
  } catch (error) {
    if (!isPatchbayError(error, 'CONFIG_INVALID')) throw error;
    return ((error.details?.issues ?? []) as { key: string }[]).map((issue) => issue.key);
  }
  throw new Error('expected CONFIG_INVALID');
}

const parse = suite('parseAgentConfig');

parse('an empty config gets the manual defaults', () => {
  const config = parseAgentConfig({});
  assert.equal(config.checkInterval, { minMs: 1_800_000, maxMs: 3_600_000 });
  assert.is(config.maxMessageSize, 262_144);
  assert.is(config.sendTimeoutMs, 60_000);
  assert.equal(config.concurrency, { downloads: 2, installs: 1 });
  assert.is(config.verifySignatures, true);
  assert.is(config.mode, 'automatic');
  assert.equal(config.installer, { type: 'archive' });
  assert.equal(config.control, { host: '127.0.0.1', port: 8094 });
});

parse('a custom check interval is kept', () => {
  const config = parseAgentConfig({ checkInterval: { minMs: 1000, maxMs: 2000 } });
  assert.equal(config.checkInterval, { minMs: 1000, maxMs: 2000 });
});

parse('checkInterval min above max names config.checkInterval.minMs', () => {
  assert.equal(invalidKeys({ checkInterval: { minMs: 5000, maxMs: 1000 } }), ['config.checkInterval.minMs']);
});

parse('the message names the key', () => {
  try {
    parseAgentConfig({ checkInterval: { minMs: 5000, maxMs: 1000 } });
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'CONFIG_INVALID'));
    assert.match((error as Error).message, /^config\.checkInterval\.minMs: must be/);
  }
});

parse('maxMessageSize above 2147483647 is refused', () => {
  assert.equal(invalidKeys({ maxMessageSize: 2_147_483_648 }), ['config.maxMessageSize']);
});

parse('maxMessageSize at 2147483647 is accepted', () => {
  assert.is(parseAgentConfig({ maxMessageSize: 2_147_483_647 }).maxMessageSize, 2_147_483_647);
});

parse('sendTimeoutMs above ten minutes is refused', () => {
  assert.equal(invalidKeys({ sendTimeoutMs: 600_001 }), ['config.sendTimeoutMs']);
});

parse('an unknown mode is refused', () => {
  assert.equal(invalidKeys({ mode: 'sometimes' }), ['config.mode']);
});

parse('installHour 24 is refused', () => {
  assert.equal(invalidKeys({ installHour: 24 }), ['config.installHour']);
});

parse('a non-http provider URL names its index', () => {
  assert.equal(invalidKeys({ providers: ['http://ok:8092', 'ftp://nope'] }), ['config.providers.1']);
});

parse('an unknown key is named', () => {
  assert.equal(invalidKeys({ checkIntervall: 5 }), ['config.checkIntervall']);
});

parse('installs concurrency other than 1 is refused', () => {
  assert.equal(invalidKeys({ concurrency: { installs: 2 } }), ['config.concurrency.installs']);
});

parse('a command installer gets the default exit-code map', () => {
  const config = parseAgentConfig({
    installer: { type: 'command', install: ['/bin/sh', '-c', 'true'], uninstall: ['/bin/true'] },
  });
  assert.equal(config.installer.type === 'command' && config.installer.exitCodes, {
    '0': 'succeeded',
    '3010': 'restartRequired',
  });
});

parse('a command installer without templates names the key', () => {
  assert.equal(invalidKeys({ installer: { type: 'command', install: [], uninstall: ['x'] } }), [
    'config.installer.install',
  ]);
});

parse('a proxy with user and password is kept', () => {
  const proxy = { url: 'http://proxy:3128', user: 'u', password: 'p' };
  assert.equal(parseAgentConfig({ proxy }).proxy, proxy);
});

parse.run();

const load = suite('loadAgentConfig');

load('a missing file gives defaults with command-line providers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-config-'));
  const config = await loadAgentConfig(join(dir, 'none.json'), { providers: ['http://127.0.0.1:8092'] });
  assert.equal(config.providers, ['http://127.0.0.1:8092']);
});

load('trusted key paths are read relative to the config file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-config-'));
  const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n';
  await writeFile(join(dir, 'key.pem'), pem);
  await writeFile(join(dir, 'agent.json'), JSON.stringify({ trustedPublicKeys: ['key.pem', pem] }));
  const config = await loadAgentConfig(join(dir, 'agent.json'));
  assert.equal(config.trustedPublicKeys, [pem, pem]);
});

load('malformed JSON is CONFIG_INVALID', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-config-'));
  await writeFile(join(dir, 'agent.json'), '{ nope');
  try {
    await loadAgentConfig(join(dir, 'agent.json'));
    assert.unreachable();
  } catch (error) {
    assert.ok(isPatchbayError(error, 'CONFIG_INVALID'));
  }
});

load.run();
