import { type EventObject, fromCallback } from 'xstate';
import type { InstallerEvent, InstallerInput, InstallResult } from '../../machines/install.ts';
import { isPatchbayError } from '../domain/PatchbayError.ts';
import type { Installer } from './installers/Installer.ts';
import { installLogPath } from './installers/index.ts';
import type { InstallJournal } from './installJournal.ts';
import type { Inventory } from './inventory.ts';
import type { TaskQueues } from './taskQueues.ts';

/** What the `installer` actor needs from the agent runtime. */
export interface InstallerDeps {
  queues: TaskQueues;
  installer: Installer;
  journal: InstallJournal;
  inventory: Inventory;
  dataDir: string;
  now?: () => Date;
}

/**
 * The real `installer` actor of the install machine: waits for the install queue (one at a time),
 * then INSTALLER.STARTED, runs the installer with the journal marker around it, and answers
 * INSTALLER.DONE. When a marker from an earlier run is found, the agent died mid-install: it does
 * not run again but answers `interrupted`, saying what the inventory shows, so the machine reports
 * INSTALL_INTERRUPTED instead of taking the install as done.
 *
 * @example install.provide({ actors: { installer: createInstallerLogic(deps), timer } })
 */
export function createInstallerLogic(deps: InstallerDeps) {
  return fromCallback<EventObject, InstallerInput>(({ input, sendBack }) => {
    const send = (event: InstallerEvent) => sendBack(event);
    const { task } = input;
    const logFile = installLogPath(deps.dataDir, task.updateId);
    let stopped = false;
    deps.queues
      .install(
        task.updateId,
        async (signal): Promise<InstallResult> => {
          send({ type: 'INSTALLER.STARTED' });
          const since = await deps.journal.interruptedSince(task.updateId);
          if (since !== undefined) {
            await deps.journal.end(task.updateId);
            const applied = deps.inventory.hasUpdate(task);
            return {
              status: 'interrupted',
              logFile,
              message: `the ${task.action} started at ${since} was interrupted by an agent stop; the inventory ${
                applied ? 'lists' : 'does not list'
              } ${task.updateId} as applied`,
            };
          }
          await deps.journal.begin(task.updateId, (deps.now ?? (() => new Date()))().toISOString());
          const context = { signal, logFile };
          try {
            const outcome =
              task.action === 'install'
                ? await deps.installer.install(task, context)
                : await deps.installer.remove(task, context);
            return { ...outcome, logFile };
          } finally {
            // The outcome is known (even a thrown one), so this run no longer counts as in flight.
            await deps.journal.end(task.updateId);
          }
        },
        { abortSafe: deps.installer.abortSafe },
      )
      .then(
        (result) => send({ type: 'INSTALLER.DONE', result }),
        (error: unknown) => {
          if (stopped) return;
          if (isPatchbayError(error, 'TASK_CANCELLED')) {
            send({ type: 'INSTALLER.DONE', result: { status: 'cancelled', logFile } });
            return;
          }
          send({
            type: 'INSTALLER.DONE',
            result: {
              status: 'failed',
              logFile,
              message: error instanceof Error ? error.message : String(error),
            },
          });
        },
      );
    // The machine left `active` (CANCEL while queued): the queued run must not start later.
    return () => {
      stopped = true;
      deps.queues.dropPending('install', task.updateId);
    };
  });
}
