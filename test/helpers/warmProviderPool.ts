import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildProvider, childProvider, listeningUrl, testProviderArgs } from './childProvider.ts';
import { readAdminToken } from './testProvider.ts';

const ENTRY = fileURLToPath(new URL('./warmProviderEntry.ts', import.meta.url));

interface Spare {
  child: ChildProcess;
  output: () => string;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

function spawnSpare(): Spare {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    output += chunk.slice(0, 10_000);
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (output.includes('warm\n') ? resolve() : undefined);
    child.stderr!.on('data', check);
    exited.then((code) => reject(new Error(`warm provider exited with ${code}:\n${output}`)));
  });
  ready.catch(() => {});
  return { child, output: () => output, ready, exited };
}

/**
 * Provider processes started ahead of time: each has loaded every module and waits for its
 * arguments, and a fresh spare is spawned as soon as one is taken. A restart after SIGKILL then
 * costs opening the store and listening, not starting tsx.
 */
export class WarmProviderPool {
  readonly #spares: Spare[] = [];

  /** `size` processes load at once, so a restart rarely waits for one (default 2). */
  constructor(size = 2) {
    for (let i = 0; i < size; i++) this.#spares.push(spawnSpare());
  }

  /** Starts `patchbay provider --data <dataDir> --port 0 …` on a warm process. */
  async start(dataDir: string, extraArgs: string[] = []): Promise<ChildProvider> {
    const spare = this.#spares.shift()!;
    this.#spares.push(spawnSpare());
    await spare.ready;
    const args = testProviderArgs(dataDir, extraArgs);
    spare.child.stdin!.end(`${JSON.stringify(args)}\n`);
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const listening = listeningUrl(spare.output());
        if (listening) resolve(listening);
      };
      spare.child.stderr!.on('data', check);
      check();
      spare.exited.then((code) => reject(new Error(`provider exited with ${code}:\n${spare.output()}`)));
    });
    return childProvider(spare.child, spare.exited, url, await readAdminToken(dataDir));
  }

  /** Ends the spare processes. */
  async close(): Promise<void> {
    for (const spare of this.#spares) spare.child.kill('SIGKILL');
    await Promise.all(this.#spares.map((spare) => spare.exited));
  }
}
