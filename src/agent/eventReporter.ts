import { backoffDelay } from '../domain/timerSpec.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { type ProviderClientOptions, postEvents, toWireEvent } from './providerClient.ts';

/** What the reporter needs. */
export interface EventReporterDeps {
  outbox: Outbox;
  machineId: string;
  /** The providers to try, best first (asked again for every delivery, so failover follows check-ins). */
  providers: () => string[] | Promise<string[]>;
  client: ProviderClientOptions;
  /** Commits the deletion of delivered rows (the actor host's group commit). */
  commit: (ops: ReturnType<Outbox['deleteOps']>) => Promise<void>;
  /** Events per request; the provider takes at most 1,000. */
  batchSize?: number;
  /** Backoff after a round where no provider took the events. */
  retry?: { baseMs: number; maxMs: number };
  log?: (line: string) => void;
}

/**
 * Delivers the outbox to a provider, oldest first, one batch at a time: a batch is deleted only
 * after a provider answered 202, so nothing is lost while no provider is reachable (the rows wait
 * on disk, across restarts), and a batch is never sent before the one ahead of it was accepted, so
 * the provider sees events in order. Each round tries the providers in order (failover); after a
 * round where none took them it waits with exponential backoff, or until {@link poke}d.
 *
 * @example const reporter = new EventReporter(deps); reporter.start(); … await reporter.stop()
 */
export class EventReporter {
  readonly #deps: EventReporterDeps;
  readonly #stopping = new AbortController();
  #wake: (() => void) | undefined;
  #poked = false;
  #running: Promise<void> | undefined;
  #delivered = 0;
  #lastProvider: string | undefined;

  constructor(deps: EventReporterDeps) {
    this.#deps = deps;
  }

  /** Events delivered since start. */
  get delivered(): number {
    return this.#delivered;
  }

  /** The provider that took the last batch. */
  get lastProvider(): string | undefined {
    return this.#lastProvider;
  }

  /** Starts the delivery loop. */
  start(): void {
    this.#running ??= this.#loop();
  }

  /** Something changed (new rows, a provider came back): try now instead of at the end of the backoff. */
  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  /** Stops the loop; an exchange in flight is aborted (its rows stay for the next start). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#wake?.();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const { outbox } = this.#deps;
    const retry = this.#deps.retry ?? { baseMs: 1000, maxMs: 30_000 };
    let failures = 0;
    while (!this.#stopping.signal.aborted) {
      this.#poked = false;
      let batch: OutboxEntry[];
      try {
        batch = await outbox.read(this.#deps.batchSize ?? 100);
      } catch {
        return; // The store closed under us: the service is stopping.
      }
      if (batch.length === 0) {
        await this.#sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      if (await this.#deliver(batch)) {
        failures = 0;
        try {
          await this.#deps.commit(outbox.deleteOps(batch));
        } catch {
          return;
        }
        this.#delivered += batch.length;
        continue;
      }
      failures += 1;
      await this.#sleep(backoffDelay(failures, retry.baseMs, retry.maxMs));
    }
  }

  async #deliver(batch: OutboxEntry[]): Promise<boolean> {
    const events = batch.map((entry) => toWireEvent(entry, entry.seq, entry.at));
    for (const provider of await this.#deps.providers()) {
      if (this.#stopping.signal.aborted) return false;
      try {
        await postEvents(provider, this.#deps.machineId, events, this.#deps.client, this.#stopping.signal);
        this.#lastProvider = provider;
        return true;
      } catch (error) {
        this.#deps.log?.(`events to ${provider} failed: ${(error as Error).message}`);
      }
    }
    return false;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#poked || this.#stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}
