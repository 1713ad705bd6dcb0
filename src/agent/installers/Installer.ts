import type { InstallTask } from '../../../machines/install.ts';
/** The update an installer applies or removes: the install machine's task without its action. */
export type InstallPackage = Omit<InstallTask, 'action'>;

/** What an installer run gets besides the package. */
export interface InstallRunContext {
  /** Aborted on cancel; installers that are not abort-safe ignore it and run to the end. */
  signal: AbortSignal;
  /** Where this update's install log goes (`<data>/logs/<updateId>.log`). */
  logFile: string;
}

/** How a run ended. `restartRequired` is a success that needs a machine restart to finish. */
export interface InstallOutcome {
  status: 'succeeded' | 'restartRequired' | 'failed' | 'cancelled';
  exitCode?: number;
  message?: string;
  logFile?: string;
}

/**
 * A pluggable way to put packages on the machine. `abortSafe` says whether killing a run half-way
 * leaves the machine consistent; only then does cancel abort a running install.
 *
 * @example const outcome = await installer.install(pkg, { signal, logFile })
 */
export interface Installer {
  readonly name: string;
  readonly abortSafe: boolean;
  install(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome>;
  remove(pkg: InstallPackage, context: InstallRunContext): Promise<InstallOutcome>;
}
