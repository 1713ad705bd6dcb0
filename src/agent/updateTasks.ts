import { existsSync } from 'node:fs';
import type { PlanAction, TaskResult, TaskResults } from '../../machines/clientPlan.ts';
import { type DownloadTask, downloadPhase, type RetryPolicy } from '../../machines/download.ts';
import { type InstallTask, installPhase } from '../../machines/install.ts';
import type { FailureInfo } from '../domain/agentEvent.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';
import { downloadedPath } from './downloader.ts';
import type { CancelReport, TaskQueues } from './taskQueues.ts';

/** The actor kinds the agent's host runs. */
export const AGENT_KINDS = { client: 'clientMachine', download: 'download', install: 'install' } as const;

/** The id of the install actor of a plan action: `install-<updateId>` or `remove-<updateId>`. */
export function installActorId(kind: 'install' | 'remove', updateId: string): string {
  return `${kind}-${updateId}`;
}

/** The download task of a plan action. */
export function downloadTaskOf(action: PlanAction): DownloadTask {
  const { update } = action;
  return {
    updateId: update.id,
    sha256: update.sha256,
    size: update.size,
    urls: update.urls,
    signed: update.signed,
    signature: update.signature,
  };
}

/** The install task of a plan action; installs name the verified file under `dataDir`. */
export function installTaskOf(action: PlanAction, dataDir: string): InstallTask {
  const { update } = action;
  return {
    updateId: update.id,
    action: action.kind,
    application: update.application,
    productLine: update.productLine,
    version: update.version,
    upgradeCode: update.upgradeCode,
    productCode: update.productCode,
    installType: update.installType,
    installProperties: update.installProperties,
    file: action.kind === 'install' ? downloadedPath(dataDir, update.sha256) : undefined,
  };
}

interface PersistedLike {
  value: unknown;
  context: { error?: FailureInfo; outcome?: 'succeeded' | 'restartRequired'; file?: string };
}

const ACTIVE = new Set(['queued', 'running', 'retrying']);

/**
 * What the client machine's `downloadUpdates` and `installUpdates` actors do, on the actor host:
 * one `download` actor per update and one `install` actor per action, each persisted, so a restart
 * resumes them (the host wakes them) and the client, restored in the same state, waits for the same
 * actors again. An actor that already ended (failed, cancelled, or done but its file gone) is
 * replaced by a fresh one with the current plan's URLs — the partial file on disk is what a resumed
 * download continues from. `cancelAll` is the client's `tasks.cancel`.
 *
 * @example const tasks = new UpdateTasks({ dataDir, queues, retry }); tasks.attach(host); await tasks.downloadAll(actions)
 */
export class UpdateTasks {
  readonly #dataDir: string;
  readonly #queues: TaskQueues;
  readonly #retry: Partial<RetryPolicy>;
  #host: ActorHost | undefined;

  constructor(deps: { dataDir: string; queues: TaskQueues; retry?: Partial<RetryPolicy> }) {
    this.#dataDir = deps.dataDir;
    this.#queues = deps.queues;
    this.#retry = deps.retry ?? {};
  }

  /** The host must exist before tasks run; it is made after this object because its kinds use it. */
  attach(host: ActorHost): void {
    this.#host = host;
  }

  /** Downloads every action's content; resolves when each download has ended. */
  async downloadAll(actions: PlanAction[]): Promise<TaskResults> {
    const host = this.#requireHost();
    // Created one after another so the download queue takes them in plan order.
    for (const action of actions) {
      const id = action.update.id;
      const existing = (await host.peek(AGENT_KINDS.download, id)) as PersistedLike | undefined;
      if (existing) {
        const phase = downloadPhase(existing.value);
        if (ACTIVE.has(phase)) continue;
        if (phase === 'done' && existing.context.file && existsSync(existing.context.file)) continue;
        await host.remove(AGENT_KINDS.download, id);
      }
      await host.create(AGENT_KINDS.download, id, { task: downloadTaskOf(action), retry: this.#retry });
    }
    const results = await Promise.all(
      actions.map((action) =>
        this.#settled(AGENT_KINDS.download, action.update.id, (snapshot): TaskResult | undefined => {
          const phase = downloadPhase(snapshot.value);
          if (phase === 'done') return { id: action.update.id, status: 'succeeded' };
          if (phase === 'failed')
            return { id: action.update.id, status: 'failed', error: snapshot.context.error };
          if (phase === 'cancelled') return { id: action.update.id, status: 'cancelled' };
          return undefined;
        }),
      ),
    );
    return { results };
  }

  /** Installs (or removes) every action, one at a time in plan order; resolves when each has ended. */
  async installAll(actions: PlanAction[]): Promise<TaskResults> {
    const host = this.#requireHost();
    for (const action of actions) {
      const id = installActorId(action.kind, action.update.id);
      const existing = (await host.peek(AGENT_KINDS.install, id)) as PersistedLike | undefined;
      if (existing) {
        if (ACTIVE.has(installPhase(existing.value))) continue;
        await host.remove(AGENT_KINDS.install, id);
      }
      await host.create(AGENT_KINDS.install, id, { task: installTaskOf(action, this.#dataDir) });
    }
    const results = await Promise.all(
      actions.map((action) =>
        this.#settled(
          AGENT_KINDS.install,
          installActorId(action.kind, action.update.id),
          (snapshot): TaskResult | undefined => {
            const phase = installPhase(snapshot.value);
            const id = action.update.id;
            if (phase === 'done') return { id, status: snapshot.context.outcome ?? 'succeeded' };
            if (phase === 'cancelled') return { id, status: 'cancelled' };
            if (phase === 'failed') {
              const interrupted = snapshot.context.error?.code === 'INSTALL_INTERRUPTED';
              return { id, status: interrupted ? 'interrupted' : 'failed', error: snapshot.context.error };
            }
            return undefined;
          },
        ),
      ),
    );
    return { results };
  }

  /**
   * The client's cancel: the queues stop everything (running downloads aborted, waiting tasks
   * dropped, a running install finishes unless abort-safe), and every download or install actor
   * still waiting (e.g. on a retry timer) gets CANCEL.
   */
  cancelAll(): CancelReport {
    const report = this.#queues.cancel();
    const host = this.#host;
    if (host) {
      for (const kind of [AGENT_KINDS.download, AGENT_KINDS.install]) {
        for (const id of host.liveIds(kind)) {
          host.send(kind, id, { type: 'CANCEL' }).catch(() => {});
        }
      }
    }
    return report;
  }

  #settled(
    kind: string,
    id: string,
    result: (snapshot: PersistedLike) => TaskResult | undefined,
  ): Promise<TaskResult> {
    const host = this.#requireHost();
    return new Promise((resolve) => {
      let done = false;
      const check = (snapshot: unknown) => {
        if (done || !snapshot) return;
        const outcome = result(snapshot as PersistedLike);
        if (!outcome) return;
        done = true;
        off();
        resolve(outcome);
      };
      const off = host.onCommitted((committedKind, committedId, snapshot) => {
        if (committedKind === kind && committedId === id) check(snapshot);
      });
      host.peek(kind, id).then(check, () => {});
    });
  }

  #requireHost(): ActorHost {
    if (!this.#host) throw new TypeError('Expected UpdateTasks.attach(host) before tasks run');
    return this.#host;
  }
}
