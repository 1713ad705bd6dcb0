/**
 * The fleet simulator's load generator, forked by bench/fleet.ts into a process of its own. It plays
 * N machines speaking the agent protocol over keep-alive connections (bench/rawHttpClient.ts): each machine
 * checks in (`POST /agent/v1/checkin` with its inventory and the plan etag it holds) at an interval
 * drawn uniformly from [min, max] divided by the time factor, and when a reply carries install
 * actions it "installs" at once — `POST /agent/v1/events` with download.succeeded and
 * install.succeeded — and reports the new version from its next check-in on.
 *
 * Open loop: check-ins are sent when due, whatever the provider's pace (at most `connections` in
 * flight; the rest wait, and the wait shows as schedule lag). Per machine the state is a few typed
 * array slots, and bodies are built from cached inventory strings, so a million machines fit.
 *
 * IPC protocol (messages from the parent): `start` (run the simulation), `mark` (a target was
 * released at that time), `stop` (drain and report), `capacity` (closed-loop max throughput of
 * hello-world or of unchanged check-ins for a few seconds), `exit`.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fleetInventory, fleetMachine, productsOf, type SeedMeta, TARGETS } from './fleetShape.ts';
import { machineAuthorization } from './machineSecrets.ts';
import { RawHttpClient } from './rawHttpClient.ts';

/** What `start` carries. */
export interface SimulationOptions {
  url: string;
  meta: SeedMeta;
  timeFactor: number;
  connections: number;
  /** Where the first cycle (every machine's first check-in after the restart) ends, in ms. */
  firstCycleMs: number;
}

/** Latency percentiles of one phase, in ms. */
export interface PhaseStats {
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Achieved check-ins per second over the phase. */
  rate: number;
  /** 99th percentile of (sent − due): how far behind schedule check-ins went out. */
  lagP99: number;
  /**
   * The check-ins whose reply carried actions: those the provider recorded (an actor activated,
   * a snapshot committed) before it could answer, where a release's tail is.
   */
  withActions: Percentiles;
}

/** A latency distribution in ms. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

/** How one target spread through the fleet. */
export interface Convergence {
  updateId: string;
  /** Machines holding the target's product (they should install it). */
  expected: number;
  installed: number;
  /** ms from the release to the install report of 50%, 90%, 100% of `expected` (undefined: not reached). */
  p50Ms?: number;
  p90Ms?: number;
  allMs?: number;
}

/** A latency histogram: 50 µs buckets up to 5 s. */
class Histogram {
  readonly counts = new Uint32Array(100_000);
  count = 0;
  max = 0;
  add(ms: number): void {
    this.counts[Math.min(this.counts.length - 1, Math.floor(ms * 20))]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }
  summary(): Percentiles {
    return {
      count: this.count,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
    };
  }
  percentile(p: number): number {
    const want = Math.ceil(this.count * p);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= want && want > 0) return (i + 1) / 20;
    }
    return this.max;
  }
}

class Phase {
  readonly latency = new Histogram();
  readonly withActions = new Histogram();
  readonly lag = new Histogram();
  errors = 0;
  startedAt = 0;
  endedAt = 0;
  stats(): PhaseStats {
    const seconds = Math.max(0.001, (this.endedAt - this.startedAt) / 1000);
    return {
      ...this.latency.summary(),
      errors: this.errors,
      max: this.latency.max,
      rate: this.latency.count / seconds,
      lagP99: this.lag.percentile(0.99),
      withActions: this.withActions.summary(),
    };
  }
}

const SLOT_MS = 10;
let options: SimulationOptions;
/** Every machine's secret, packed (the seeder's enrollments issued them). */
let secrets: Buffer;
let pool: RawHttpClient;
let machines: number;
let flags: Uint8Array;
let etagOf: Uint16Array;
/** Each machine's last event sequence number (the real agent numbers its outbox the same way). */
let eventSeq: Uint32Array;
const etags: string[] = [];
const etagIds = new Map<string, number>();
const inventoryCache = new Map<number, string>();
let wheel: number[][];
let wheelStart = 0;
let slotCursor = 0;
const ready: number[] = [];
let readyHead = 0;
let dueAt: Float64Array;
let inFlight = 0;
let running = false;
let t0 = 0;
const phases = { firstCycle: new Phase(), steady: new Phase() };
const events = { sent: 0, errors: 0 };
/** Send → reply of every events POST. */
const eventsLatency = new Histogram();
const installs: Record<string, { at: number[]; expected: number; id: string }> = {};
const marks: Record<string, number> = {};
let unexpectedActions = 0;
let lastError = '';
let prefixCache: string[] = [];
/**
 * BENCH_SLOW_LOG=<file>: every check-in slower than SLOW_MS as `<s since start> <latency ms>`, written
 * at stop. Bucketed by second it shows whether the tail is a few stalls or a saturated stretch.
 */
const slowLogFile = process.env.BENCH_SLOW_LOG;
const SLOW_MS = 8;
const slowLines: string[] = [];

function etagId(etag: string): number {
  let id = etagIds.get(etag);
  if (id === undefined) {
    id = etags.length;
    etags.push(etag);
    etagIds.set(etag, id);
  }
  return id;
}

function inventoryJson(index: number): string {
  const key = (index % 500) * 4 + flags[index]!;
  let json = inventoryCache.get(key);
  if (json === undefined) {
    json = JSON.stringify(fleetInventory(index, flags[index]!, options.meta.targets));
    inventoryCache.set(key, json);
  }
  return json;
}

function checkInBody(index: number): string {
  const machine = fleetMachine(index);
  return `{"machine":${JSON.stringify(machine)},"settings":${prefixCache[0]},"installed":${inventoryJson(index)},"status":{"restartRequired":false},"planEtag":${JSON.stringify(etags[etagOf[index]!])}}`;
}

/** The headers of every agent request of machine `index`: it proves who it is with its secret. */
function headers(index: number): Record<string, string> {
  return { 'content-type': 'application/json', authorization: machineAuthorization(index, secrets) };
}

function interval(): number {
  const { minMs, maxMs } = options.meta.checkInterval;
  return (minMs + Math.random() * (maxMs - minMs)) / options.timeFactor;
}

function schedule(index: number, delayMs: number): void {
  const now = performance.now();
  const slot = Math.max(slotCursor, Math.floor((now - wheelStart + delayMs) / SLOT_MS));
  wheel[slot % wheel.length]!.push(index);
  dueAt[index] = now + delayMs;
}

function tick(): void {
  if (!running) return;
  const nowSlot = Math.floor((performance.now() - wheelStart) / SLOT_MS);
  while (slotCursor <= nowSlot) {
    const bucket = wheel[slotCursor % wheel.length]!;
    if (bucket.length > 0) {
      for (const index of bucket) ready.push(index);
      wheel[slotCursor % wheel.length] = [];
    }
    slotCursor++;
  }
  pump();
}

function pump(): void {
  while (running && inFlight < options.connections && readyHead < ready.length) {
    const index = ready[readyHead++]!;
    void checkIn(index);
  }
  if (readyHead > 100_000 && readyHead * 2 > ready.length) {
    ready.splice(0, readyHead);
    readyHead = 0;
  }
}

async function checkIn(index: number): Promise<void> {
  inFlight++;
  const sentAt = performance.now();
  const phase = sentAt - t0 < options.firstCycleMs ? phases.firstCycle : phases.steady;
  phase.lag.add(Math.max(0, sentAt - dueAt[index]!));
  let install: string[] = [];
  try {
    const response = await pool.request({
      path: '/agent/v1/checkin',
      method: 'POST',
      headers: headers(index),
      body: checkInBody(index),
    });
    const { text } = response;
    if (response.statusCode !== 200)
      throw new Error(`check-in ${response.statusCode}: ${text.slice(0, 200)}`);
    const latency = performance.now() - sentAt;
    phase.latency.add(latency);
    if (slowLogFile && latency > SLOW_MS)
      slowLines.push(`${((sentAt - t0) / 1000).toFixed(3)} ${latency.toFixed(1)}`);
    const reply = JSON.parse(text) as {
      planEtag: string;
      unchanged?: true;
      actions?: Array<{ kind: string; update: { id: string } }>;
    };
    etagOf[index] = etagId(reply.planEtag);
    if (!reply.unchanged) install = (reply.actions ?? []).map((action) => action.update.id);
    if (install.length > 0) phase.withActions.add(latency);
  } catch (error) {
    phase.errors++;
    lastError = String(error);
  }
  inFlight--;
  if (install.length > 0) await installAll(index, install);
  if (running) schedule(index, interval());
  pump();
}

/** The simulated agent installs at once and reports it; the next check-in carries the new version. */
async function installAll(index: number, updateIds: string[]): Promise<void> {
  const at = new Date().toISOString();
  // Numbered like the real agent's outbox, so the provider does its resend check as it would.
  const list = updateIds.flatMap((updateId) => [
    { type: 'download.succeeded', updateId, at, seq: ++eventSeq[index]! },
    { type: 'install.succeeded', updateId, at, seq: ++eventSeq[index]! },
  ]);
  inFlight++;
  const sentAt = performance.now();
  try {
    const response = await pool.request({
      path: '/agent/v1/events',
      method: 'POST',
      headers: headers(index),
      body: JSON.stringify({ machineId: `m${index}`, events: list }),
    });
    const { text } = response;
    if (response.statusCode !== 202) throw new Error(`events ${response.statusCode}: ${text.slice(0, 200)}`);
    events.sent++;
    const done = performance.now();
    eventsLatency.add(done - sentAt);
    for (const updateId of updateIds) {
      const target = Object.entries(installs).find(([, entry]) => entry.id === updateId);
      if (target === undefined) {
        unexpectedActions++;
        continue;
      }
      target[1].at.push(done);
      flags[index]! |= TARGETS[target[0] as keyof typeof TARGETS].bit;
    }
  } catch (error) {
    events.errors++;
    lastError = String(error);
  }
  inFlight--;
}

function start(next: SimulationOptions): void {
  options = next;
  machines = next.meta.machines;
  secrets = readFileSync(next.meta.secretsFile);
  pool = new RawHttpClient(next.url, next.connections);
  flags = new Uint8Array(machines);
  dueAt = new Float64Array(machines);
  eventSeq = new Uint32Array(machines);
  etagOf = new Uint16Array(machines).fill(etagId(next.meta.etag));
  prefixCache = [JSON.stringify(next.meta.settings)];
  for (const [name, { product }] of Object.entries(TARGETS)) {
    let expected = 0;
    for (let i = 0; i < 500 && i < machines; i++) {
      if (productsOf(i).includes(product)) expected += Math.floor((machines - 1 - i) / 500) + 1;
    }
    installs[name] = { at: [], expected, id: next.meta.targets[name as keyof typeof TARGETS] };
  }
  const horizon = next.meta.checkInterval.maxMs / next.timeFactor;
  wheel = Array.from({ length: Math.ceil(horizon / SLOT_MS) + 2 }, () => []);
  running = true;
  t0 = performance.now();
  wheelStart = t0;
  phases.firstCycle.startedAt = t0;
  // After a provider restart the fleet's next check-ins are spread over one interval.
  for (let index = 0; index < machines; index++) schedule(index, Math.random() * interval());
  setInterval(tick, SLOT_MS).unref();
}

async function stop() {
  const now = performance.now();
  phases.firstCycle.endedAt = Math.min(now, t0 + options.firstCycleMs);
  phases.steady.startedAt = t0 + options.firstCycleMs;
  phases.steady.endedAt = now;
  running = false;
  while (inFlight > 0) await new Promise((done) => setTimeout(done, 10));
  if (slowLogFile) writeFileSync(slowLogFile, `${slowLines.join('\n')}\n`);
  const convergence: Record<string, Convergence> = {};
  for (const [name, entry] of Object.entries(installs)) {
    const mark = marks[name];
    const times = entry.at.sort((a, b) => a - b);
    const reach = (share: number) => {
      const needed = Math.ceil(entry.expected * share);
      return mark === undefined || times.length < needed ? undefined : times[needed - 1]! - mark;
    };
    convergence[name] = {
      updateId: entry.id,
      expected: entry.expected,
      installed: times.length,
      p50Ms: reach(0.5),
      p90Ms: reach(0.9),
      allMs: reach(1),
    };
  }
  return {
    firstCycle: phases.firstCycle.stats(),
    steady: phases.steady.stats(),
    events: { ...events, latency: eventsLatency.summary() },
    convergence,
    unexpectedActions,
    backlog: ready.length - readyHead,
    lastError,
  };
}

/** Closed loop: `connections` workers each send the next request as soon as the last one answered. */
async function capacity(target: 'hello' | 'checkin', seconds: number) {
  const histogram = new Histogram();
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) {
        const index = Math.floor(Math.random() * machines);
        const sentAt = performance.now();
        try {
          const response = await pool.request(
            target === 'hello'
              ? { path: '/bench/hello', method: 'GET' }
              : {
                  path: '/agent/v1/checkin',
                  method: 'POST',
                  headers: headers(index),
                  body: checkInBody(index),
                },
          );
          const { text } = response;
          if (response.statusCode !== 200) throw new Error(`${target} ${response.statusCode}: ${text}`);
          histogram.add(performance.now() - sentAt);
        } catch (error) {
          errors++;
          lastError = String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    target,
    rate: histogram.count / elapsed,
    p50: histogram.percentile(0.5),
    p99: histogram.percentile(0.99),
    errors,
    lastError: errors > 0 ? lastError : '',
  };
}

function progress() {
  const phase = performance.now() - t0 < options.firstCycleMs ? phases.firstCycle : phases.steady;
  return {
    type: 'progress',
    t: performance.now() - t0,
    phase: phase === phases.firstCycle ? 'firstCycle' : 'steady',
    checkIns: phases.firstCycle.latency.count + phases.steady.latency.count,
    errors: phases.firstCycle.errors + phases.steady.errors,
    events: events.sent,
    backlog: ready.length - readyHead,
    installs: Object.fromEntries(Object.entries(installs).map(([name, entry]) => [name, entry.at.length])),
  };
}

process.on('message', (message: { type: string; [key: string]: unknown }) => {
  void (async () => {
    switch (message.type) {
      case 'start':
        start(message.options as SimulationOptions);
        setInterval(() => process.send!(progress()), 5000).unref();
        break;
      case 'mark':
        marks[message.target as string] = performance.now();
        break;
      case 'stop':
        process.send!({ type: 'report', report: await stop() });
        break;
      case 'capacity':
        process.send!({
          type: 'capacity',
          result: await capacity(message.target as 'hello' | 'checkin', message.seconds as number),
        });
        break;
      case 'exit':
        pool.destroy();
        process.exit(0);
    }
  })();
});
process.send!({ type: 'ready' });
