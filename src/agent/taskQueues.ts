import PQueue from 'p-queue';
import { PatchbayError } from '../domain/PatchbayError.ts';

/** The two kinds of agent work. */
export type TaskKind = 'download' | 'install';

/** Options for one task. */
export interface TaskOptions {
  /** Installs only: cancel may abort the running task (its installer says that is safe). */
  abortSafe?: boolean;
  /** Called when the task leaves the queue and starts running. */
  onStart?: () => void;
}

/** What a cancel did, for the status and the provider events. */
export interface CancelReport {
  /** Downloads that were running and got their signal aborted (partial files kept). */
  abortedDownloads: string[];
  /** Downloads that were waiting and were dropped. */
  droppedDownloads: string[];
  /** Installs that were waiting and were dropped. */
  droppedInstalls: string[];
  /** Running installs aborted because their installer is abort-safe. */
  abortedInstalls: string[];
  /** Running installs left to finish. */
  finishingInstalls: string[];
}

/** Which tasks are running and waiting, per kind. */
export interface QueueStatus {
  download: { running: string[]; pending: string[] };
  install: { running: string[]; pending: string[] };
}

interface Entry {
  id: string;
  kind: TaskKind;
  abortSafe: boolean;
  state: 'pending' | 'running';
  /** Aborted only while pending: removes the task from the p-queue. */
  unqueue: AbortController;
  /** Handed to the work itself. */
  work: AbortController;
  promise: Promise<unknown>;
}

/**
 * The agent's work queues (ARCHITECTURE.md, "Queues and cancel"): downloads with configurable
 * concurrency, installs one at a time, each task with its own AbortSignal. `cancel()` stops
 * everything from starting, aborts running and pending downloads, drops pending installs and
 * lets a running install finish unless it is abort-safe. A dropped task's promise rejects with
 * TASK_CANCELLED; an aborted running task settles however its work reacts to the signal.
 *
 * @example const queues = new TaskQueues({ downloads: 2 }); await queues.download('u1', (signal) => fetchIt(signal))
 */
export class TaskQueues {
  readonly #queues: Record<TaskKind, PQueue>;
  readonly #entries = new Map<string, Entry>();

  constructor(options: { downloads: number; installs?: number }) {
    if (!Number.isInteger(options.downloads) || options.downloads < 1) {
      throw new TypeError(`Expected \`downloads\` to be a positive integer, got \`${options.downloads}\``);
    }
    this.#queues = {
      download: new PQueue({ concurrency: options.downloads }),
      install: new PQueue({ concurrency: options.installs ?? 1 }),
    };
  }

  /** Queues a download; the same id while already queued or running (and not cancelled) returns the same promise. */
  download<T>(id: string, work: (signal: AbortSignal) => Promise<T>, options: TaskOptions = {}): Promise<T> {
    return this.#add('download', id, work, options);
  }

  /** Queues an install or removal; installs run one at a time. */
  install<T>(id: string, work: (signal: AbortSignal) => Promise<T>, options: TaskOptions = {}): Promise<T> {
    return this.#add('install', id, work, options);
  }

  /** Cancels as described on the class, and says what happened to each task. */
  cancel(): CancelReport {
    const report: CancelReport = {
      abortedDownloads: [],
      droppedDownloads: [],
      droppedInstalls: [],
      abortedInstalls: [],
      finishingInstalls: [],
    };
    // Paused while we walk the tasks, so a slot freed by an abort cannot start a waiting task.
    this.#queues.download.pause();
    this.#queues.install.pause();
    for (const entry of [...this.#entries.values()]) {
      const reason = new PatchbayError(`${entry.kind} ${entry.id} cancelled`, { code: 'TASK_CANCELLED' });
      if (entry.state === 'pending') {
        this.#drop(entry, reason);
        (entry.kind === 'download' ? report.droppedDownloads : report.droppedInstalls).push(entry.id);
      } else if (entry.kind === 'download') {
        entry.work.abort(reason);
        report.abortedDownloads.push(entry.id);
      } else if (entry.abortSafe) {
        entry.work.abort(reason);
        report.abortedInstalls.push(entry.id);
      } else {
        report.finishingInstalls.push(entry.id);
      }
    }
    // Nothing is left waiting, so later work (a new apply) may start as soon as it is queued.
    this.#queues.download.start();
    this.#queues.install.start();
    return report;
  }

  /**
   * Drops one waiting task (its promise rejects with TASK_CANCELLED); a running task is left alone.
   * True when a task was dropped. Used when an actor stops caring about its queued work.
   */
  dropPending(kind: TaskKind, id: string): boolean {
    const entry = this.#entries.get(`${kind}:${id}`);
    if (entry?.state !== 'pending') return false;
    this.#drop(entry, new PatchbayError(`${kind} ${id} cancelled`, { code: 'TASK_CANCELLED' }));
    return true;
  }

  /** Removes a waiting task now, so status() no longer lists it even before its promise settles. */
  #drop(entry: Entry, reason: PatchbayError): void {
    this.#entries.delete(`${entry.kind}:${entry.id}`);
    entry.work.abort(reason);
    entry.unqueue.abort(reason);
  }

  /** The ids running and waiting, per kind. */
  status(): QueueStatus {
    const status: QueueStatus = {
      download: { running: [], pending: [] },
      install: { running: [], pending: [] },
    };
    for (const entry of this.#entries.values()) status[entry.kind][entry.state].push(entry.id);
    return status;
  }

  /** Resolves when both queues have no running or waiting task. */
  async onIdle(): Promise<void> {
    await Promise.all([this.#queues.download.onIdle(), this.#queues.install.onIdle()]);
  }

  #add<T>(
    kind: TaskKind,
    id: string,
    work: (signal: AbortSignal) => Promise<T>,
    options: TaskOptions,
  ): Promise<T> {
    const key = `${kind}:${id}`;
    const existing = this.#entries.get(key);
    // A cancelled task still winding down is not reused: the new request is new work.
    if (existing && !existing.work.signal.aborted) return existing.promise as Promise<T>;
    const entry: Entry = {
      id,
      kind,
      abortSafe: options.abortSafe ?? false,
      state: 'pending',
      unqueue: new AbortController(),
      work: new AbortController(),
      promise: Promise.resolve(),
    };
    const promise = this.#queues[kind]
      .add(
        () => {
          entry.state = 'running';
          options.onStart?.();
          return work(entry.work.signal);
        },
        { signal: entry.unqueue.signal, id: key },
      )
      .finally(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      }) as Promise<T>;
    entry.promise = promise;
    this.#entries.set(key, entry);
    return promise;
  }
}
