import { hostname } from 'node:os';
import { join } from 'node:path';
import { type AnyStateMachine, fromPromise } from 'xstate';
import {
  type CheckInInput,
  type ClientContext,
  type ClientEvent,
  checkFailedReport,
  clientMachine,
  clientPhase,
  type SettingsChange,
  settingsRefusal,
} from '../../machines/clientMachine.ts';
import {
  activeProviders,
  type CheckInResult,
  type PlanAction,
  type TaskResults,
} from '../../machines/clientPlan.ts';
import {
  type DownloadReportParams,
  download,
  downloadNeedsWake,
  downloadReport,
} from '../../machines/download.ts';
import {
  type InstallContext,
  type InstallReportParams,
  install,
  installNeedsWake,
  installReport,
} from '../../machines/install.ts';
import { Store } from '../../storage/Store.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { ActorHost } from '../runtime/ActorHost.ts';
import { AgentCredentials } from './agentCredentials.ts';
import type { AgentConfig } from './config.ts';
import type { DownloadProgress } from './downloader.ts';
import { EventReporter } from './eventReporter.ts';
import { createDispatcher } from './httpDispatcher.ts';
import { createInstallerLogic } from './installerActor.ts';
import { createInstaller } from './installers/index.ts';
import { InstallJournal } from './installJournal.ts';
import { Inventory } from './inventory.ts';
import { loadMachineIdentity, type MachineIdentity } from './machineIdentity.ts';
import { Outbox } from './outbox.ts';
import { checkIn, failureText, type ProviderClientOptions } from './providerClient.ts';
import { TaskQueues } from './taskQueues.ts';
import { type Clock, createTimerLogic, systemClock } from './timerActor.ts';
import { createTransferLogic } from './transferActor.ts';
import { AGENT_KINDS, installActorId, UpdateTasks } from './updateTasks.ts';

/** How to open the agent. */
export interface AgentServiceOptions {
  dataDir: string;
  config: AgentConfig;
  /** Shifts the agent's clock (timers, install windows, event times); tests use it to reach a window. */
  clockOffsetMs?: number;
  /** The agent's version, sent with check-ins. */
  agentVersion?: string;
  log?: (line: string) => void;
}

/** Live progress of one download (not persisted). */
export interface LiveProgress extends DownloadProgress {
  at: number;
}

/** The id of the one client actor. */
export const CLIENT_ID = 'self';

/**
 * The agent's runtime: its own LevelDB (`<data>/db`), an actor host with the kinds `clientMachine`
 * (one actor, `self`), `download` (one per update) and `install` (one per action), the task
 * queues, the installer, the on-disk event outbox and its reporter. Machines' report actions are
 * provided here so every event lands in the outbox in the same batch as the snapshot that reported
 * it. `open` resumes where the last run stopped: pinned downloads continue from their partial files,
 * an install cut short is checked and reported (INSTALL_INTERRUPTED), the client re-enters its state.
 *
 * @example const agent = await AgentService.open({ dataDir, config }); … await agent.close()
 */
export class AgentService {
  readonly dataDir: string;
  readonly config: AgentConfig;
  readonly identity: MachineIdentity;
  readonly store: Store;
  readonly host: ActorHost;
  readonly outbox: Outbox;
  readonly reporter: EventReporter;
  readonly inventory: Inventory;
  readonly queues: TaskQueues;
  readonly tasks: UpdateTasks;
  readonly clock: Clock;
  /** Download progress by update id, fed by the downloader. */
  readonly progress = new Map<string, LiveProgress>();
  readonly #progressListeners = new Set<(updateId: string, progress: LiveProgress) => void>();
  readonly #closeDispatcher: () => Promise<void>;

  private constructor(parts: {
    dataDir: string;
    config: AgentConfig;
    identity: MachineIdentity;
    store: Store;
    host: ActorHost;
    outbox: Outbox;
    reporter: EventReporter;
    inventory: Inventory;
    queues: TaskQueues;
    tasks: UpdateTasks;
    clock: Clock;
    closeDispatcher: () => Promise<void>;
  }) {
    this.dataDir = parts.dataDir;
    this.config = parts.config;
    this.identity = parts.identity;
    this.store = parts.store;
    this.host = parts.host;
    this.outbox = parts.outbox;
    this.reporter = parts.reporter;
    this.inventory = parts.inventory;
    this.queues = parts.queues;
    this.tasks = parts.tasks;
    this.clock = parts.clock;
    this.#closeDispatcher = parts.closeDispatcher;
  }

  /** Opens (or creates) the agent under `dataDir` and starts it. */
  static async open(options: AgentServiceOptions): Promise<AgentService> {
    const { dataDir, config } = options;
    const offset = options.clockOffsetMs ?? 0;
    const clock: Clock = offset === 0 ? systemClock : { ...systemClock, now: () => Date.now() + offset };
    const now = () => new Date(clock.now());
    const identity = await loadMachineIdentity(dataDir, hostname());
    const store = await Store.open(dataDir);
    const inventory = await Inventory.open(join(dataDir, 'inventory.json'));
    const outbox = await Outbox.open(store, clock.now);
    const dispatcher = createDispatcher(config.proxy, config.sendTimeoutMs);
    const client: ProviderClientOptions = {
      dispatcher,
      maxMessageSize: config.maxMessageSize,
      sendTimeoutMs: config.sendTimeoutMs,
      credentials: await AgentCredentials.open(dataDir, config.enrollmentKey),
    };
    const queues = new TaskQueues({ downloads: config.concurrency.downloads, installs: 1 });
    const tasks = new UpdateTasks({ dataDir, queues, retry: config.retry });
    const installer = createInstaller(config.installer, { dataDir, inventory });
    const timer = createTimerLogic(clock);
    let service: AgentService | undefined;
    const onProgress = (updateId: string, progress: DownloadProgress) =>
      service?.recordProgress(updateId, progress);

    const clientLogic = clientMachine.provide({
      actors: {
        timer,
        checkIn: fromPromise<CheckInResult, CheckInInput>(({ input, signal }) =>
          checkIn(
            input.provider,
            {
              machine: { id: identity.id, name: identity.name, agentVersion: options.agentVersion },
              settings: {
                mode: input.settings.mode,
                installDay: input.settings.installDay,
                installHour: input.settings.installHour,
              },
              installed: inventory.list(),
              status: {
                restartRequired: input.restartRequired,
                lastError: input.lastError ? failureText(input.lastError) : undefined,
              },
              planEtag: input.planEtag,
            },
            client,
            signal,
          ),
        ),
        downloadUpdates: fromPromise<TaskResults, { actions: PlanAction[] }>(({ input }) =>
          tasks.downloadAll(input.actions),
        ),
        installUpdates: fromPromise<TaskResults, { actions: PlanAction[] }>(({ input }) =>
          tasks.installAll(input.actions),
        ),
      },
      actions: {
        reportCheckFailed: ({ context }: { context: ClientContext }) =>
          outbox.stage(`${AGENT_KINDS.client}/${CLIENT_ID}`, checkFailedReport(context)),
        cancelTasks: () => {
          tasks.cancelAll();
        },
      } as never,
    });
    const downloadLogic = download.provide({
      actors: {
        timer,
        transfer: createTransferLogic({
          queues,
          onProgress,
          downloader: {
            dataDir,
            dispatcher,
            verifySignatures: config.verifySignatures,
            trustedPublicKeys: config.trustedPublicKeys,
            // The download machine retries with its own persisted backoff; one round per attempt.
            retry: { rounds: 1, baseMs: config.retry.baseMs, maxMs: config.retry.maxMs },
            maxBytesPerSecond: config.maxDownloadRate,
          },
        }),
      },
      actions: {
        report: (
          { context }: { context: Parameters<typeof downloadReport>[0] },
          params: DownloadReportParams,
        ) =>
          outbox.stage(`${AGENT_KINDS.download}/${context.task.updateId}`, downloadReport(context, params)),
      } as never,
    });
    const installLogic = install.provide({
      actors: {
        timer,
        installer: createInstallerLogic({
          queues,
          installer,
          journal: new InstallJournal(dataDir),
          inventory,
          dataDir,
          now,
        }),
      },
      actions: {
        report: ({ context }: { context: InstallContext }, params: InstallReportParams) =>
          outbox.stage(
            `${AGENT_KINDS.install}/${installActorId(context.task.action, context.task.updateId)}`,
            installReport(context, params),
          ),
      } as never,
    });
    const project = (kind: string) => (id: string) => outbox.opsFor(`${kind}/${id}`);
    const host = new ActorHost(store, [
      {
        name: AGENT_KINDS.client,
        logic: clientLogic as AnyStateMachine,
        refusedCode: 'AGENT_BUSY',
        describeRefusal: (snapshot, event) =>
          `the agent is ${clientPhase(snapshot.value)}: ${(event as { type: string }).type} is not possible now`,
        keepAlive: () => true,
        project: project(AGENT_KINDS.client),
      },
      {
        name: AGENT_KINDS.download,
        logic: downloadLogic as AnyStateMachine,
        keepAlive: downloadNeedsWake,
        project: project(AGENT_KINDS.download),
      },
      {
        name: AGENT_KINDS.install,
        logic: installLogic as AnyStateMachine,
        keepAlive: installNeedsWake,
        project: project(AGENT_KINDS.install),
      },
    ]);
    tasks.attach(host);
    const reporter = new EventReporter({
      outbox,
      machineId: identity.id,
      client,
      commit: (ops) => host.write(ops),
      providers: () => reportProviders(host, config.providers),
      log: options.log,
    });
    service = new AgentService({
      dataDir,
      config,
      identity,
      store,
      host,
      outbox,
      reporter,
      inventory,
      queues,
      tasks,
      clock,
      closeDispatcher: () => dispatcher.close(),
    });
    // Every commit that wrote events (or a check-in that may have brought a provider back) wakes the reporter.
    host.onCommitted((kind) => {
      if (outbox.takeFresh() || kind === AGENT_KINDS.client) reporter.poke();
    });
    await host.start();
    const input = {
      settings: {
        mode: config.mode,
        installDay: config.installDay,
        installHour: config.installHour,
        checkInterval: config.checkInterval,
      },
      providers: config.providers,
      backoff: { baseMs: Math.min(30_000, config.checkInterval.minMs) },
    };
    const firstStart = (await host.peek(AGENT_KINDS.client, CLIENT_ID)) === undefined;
    const snapshot = await host.create<typeof clientMachine>(AGENT_KINDS.client, CLIENT_ID, input);
    const context = snapshot.context;
    if (
      JSON.stringify(context.configuredProviders) !== JSON.stringify(config.providers) ||
      JSON.stringify(context.settings.checkInterval) !== JSON.stringify(config.checkInterval)
    ) {
      await host.send(AGENT_KINDS.client, CLIENT_ID, {
        type: 'CONFIGURE',
        providers: config.providers,
        checkInterval: config.checkInterval,
      });
    }
    // A new agent introduces itself at once instead of after a first random wait (as if its check
    // timer were due now, so it is not a user's check); manual mode never checks by itself.
    if (firstStart && config.mode !== 'manual') {
      await host.send(AGENT_KINDS.client, CLIENT_ID, { type: 'TIMER.FIRED', timer: 'check' }).catch(() => {});
    }
    reporter.start();
    return service;
  }

  /** Hears download progress as it happens; returns the unsubscribe function. */
  onProgress(listener: (updateId: string, progress: LiveProgress) => void): () => void {
    this.#progressListeners.add(listener);
    return () => this.#progressListeners.delete(listener);
  }

  /** The client's persisted snapshot (value, context). */
  async clientSnapshot(): Promise<{ value: unknown; context: ClientContext }> {
    const snapshot = await this.host.peek(AGENT_KINDS.client, CLIENT_ID);
    if (!snapshot) throw new TypeError('Expected the client actor to exist once the agent is open');
    return snapshot as unknown as { value: unknown; context: ClientContext };
  }

  /** Starts a check now (the user asked); AGENT_BUSY while checking, downloading or installing. */
  async check(): Promise<string> {
    return this.#command({ type: 'CHECK' });
  }

  /**
   * Applies updates now: every known one (express), or the chosen ids (custom). UPDATE_NOT_FOUND
   * for an id not in the plan; AGENT_BUSY when there is nothing to apply or work is running.
   */
  async apply(ids?: string[]): Promise<string> {
    if (ids && ids.length > 0) {
      const known = new Set((await this.clientSnapshot()).context.items.map((item) => item.action.update.id));
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new PatchbayError(`no update ${unknown.join(', ')} in this machine's plan`, {
          code: 'UPDATE_NOT_FOUND',
          details: { ids: unknown },
        });
      }
    }
    return this.#command(ids && ids.length > 0 ? { type: 'APPLY_CUSTOM', ids } : { type: 'APPLY' });
  }

  /** Defers the High Priority updates a manual check found to the next install window. */
  async defer(): Promise<string> {
    return this.#command({ type: 'DEFER' });
  }

  /**
   * Cancels running work (see ARCHITECTURE.md "Queues and cancel"). Resolves with whether anything
   * was running to cancel and `stoppedInMs`: from the request until no download transfer runs.
   */
  async cancel(): Promise<{ cancelled: boolean; phase: string; stoppedInMs?: number }> {
    const before = clientPhase((await this.clientSnapshot()).value);
    if (before !== 'downloading' && before !== 'installing') return { cancelled: false, phase: before };
    const asked = performance.now();
    const sent = this.host.send(AGENT_KINDS.client, CLIENT_ID, { type: 'CANCEL' });
    // The queues abort running transfers as the client takes CANCEL; measure until none is left
    // (a running install that is not abort-safe is allowed to finish and is not waited for).
    while (this.queues.status().download.running.length > 0 && performance.now() - asked < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const stoppedInMs = Math.round((performance.now() - asked) * 10) / 10;
    const snapshot = await sent;
    return { cancelled: true, phase: clientPhase(snapshot.value), stoppedInMs };
  }

  /**
   * Changes mode, install day or hour. SETTINGS_LOCKED when a group owns the settings, AGENT_BUSY
   * while checking or applying.
   */
  async changeSettings(settings: SettingsChange): Promise<ClientContext['settings']> {
    const { value, context } = await this.clientSnapshot();
    const refusal = settingsRefusal(context, clientPhase(value));
    if (refusal === 'locked') {
      throw new PatchbayError(`the settings are set by group ${context.group?.name ?? ''} and locked`, {
        code: 'SETTINGS_LOCKED',
        details: { group: context.group },
      });
    }
    if (refusal === 'busy') {
      throw new PatchbayError(`settings cannot change while the agent is ${clientPhase(value)}`, {
        code: 'AGENT_BUSY',
        details: { phase: clientPhase(value) },
      });
    }
    const snapshot = await this.host.send<typeof clientMachine>(
      AGENT_KINDS.client,
      CLIENT_ID,
      { type: 'SETTINGS.CHANGE', settings },
      { requireAccepted: true },
    );
    return snapshot.context.settings;
  }

  async #command(event: ClientEvent): Promise<string> {
    const snapshot = await this.host.send<typeof clientMachine>(AGENT_KINDS.client, CLIENT_ID, event, {
      requireAccepted: true,
    });
    return clientPhase(snapshot.value);
  }

  /**
   * Waits for a running install to finish, then stops the reporter, flushes and stops every actor
   * (running downloads stop and resume at the next start), closes the store and connections.
   */
  async close(): Promise<void> {
    // A running install is let finish (its outcome must reach the store), downloads just stop:
    // their partial files resume at the next start.
    while (this.queues.status().install.running.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.host.flush();
    await this.reporter.stop();
    await this.host.close();
    await this.store.close();
    await this.#closeDispatcher().catch(() => {});
  }

  /** Records a download's progress (the downloader calls this) and tells the listeners. */
  recordProgress(updateId: string, progress: DownloadProgress): void {
    const live = { ...progress, at: this.clock.now() };
    this.progress.set(updateId, live);
    for (const listener of this.#progressListeners) listener(updateId, live);
  }
}

/**
 * Where events go, best first: the provider the client checked in with last, the rest of the list
 * in use (the group's, else the configured ones), then the configured ones.
 */
async function reportProviders(host: ActorHost, configured: string[]): Promise<string[]> {
  const snapshot = await host.peek(AGENT_KINDS.client, CLIENT_ID).catch(() => undefined);
  const context = snapshot?.context as ClientContext | undefined;
  if (!context) return configured;
  const inUse = activeProviders(context);
  const start = inUse.length > 0 ? context.providerIndex % inUse.length : 0;
  const rotated = [...inUse.slice(start), ...inUse.slice(0, start)];
  return [...new Set([...rotated, ...context.configuredProviders, ...configured])];
}
