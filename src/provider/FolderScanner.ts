import type { UpdateFolders } from './UpdateFolders.ts';

/** Options of {@link FolderScanner}; the manual's Update Content Scanner waits 90 s, then scans every 60 s. */
export interface FolderScannerOptions {
  /** Delay before the first scan, in ms. Default 90 000. */
  delayMs?: number;
  /** Pause between the end of one scan and the start of the next, in ms. Default 60 000. */
  intervalMs?: number;
  /** Called when a scan fails as a whole (the store closed under it, …); scanning goes on. */
  onError?: (error: unknown) => void;
}

function checkDelay(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative number of ms, got \`${value}\``);
  }
  return value;
}

/**
 * The background scanner of `auto` update folders: the first scan after `delayMs`, then one every
 * `intervalMs` after the previous one finished, so scans never overlap. `stop()` cancels the timer
 * and waits for a running scan, which stops between packages.
 *
 * @example const scanner = new FolderScanner(folders, { delayMs: 90_000, intervalMs: 60_000 }); scanner.start()
 */
export class FolderScanner {
  readonly #folders: UpdateFolders;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #scans = 0;

  constructor(folders: UpdateFolders, options: FolderScannerOptions = {}) {
    this.#folders = folders;
    this.#delayMs = checkDelay('delayMs', options.delayMs ?? 90_000);
    this.#intervalMs = checkDelay('intervalMs', options.intervalMs ?? 60_000);
    this.#onError = options.onError ?? (() => {});
  }

  /** How many scans have completed since start. */
  get scans(): number {
    return this.#scans;
  }

  /** Schedules the first scan after the delay. Starting twice is harmless. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(this.#delayMs);
  }

  /** Cancels the next scan and waits for one in progress to stop. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#scanOnce().finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#schedule(this.#intervalMs);
      });
    }, ms);
    // The HTTP server keeps the process alive; the scanner alone should not.
    this.#timer.unref();
  }

  async #scanOnce(): Promise<void> {
    try {
      await this.#folders.scanAuto(() => this.#stopped);
    } catch (error) {
      this.#onError(error);
    }
    this.#scans++;
  }
}
