import { type EventObject, fromCallback } from 'xstate';
import type { TransferEvent, TransferInput } from '../../machines/download.ts';
import { isPatchbayError } from '../domain/PatchbayError.ts';
import {
  type DownloaderOptions,
  type DownloadProgress,
  downloadContent,
  isRetryableDownloadError,
} from './downloader.ts';
import type { TaskQueues } from './taskQueues.ts';

/** What the `transfer` actor needs from the agent runtime. */
export interface TransferDeps {
  queues: TaskQueues;
  downloader: DownloaderOptions;
  /** Live progress for the status API and progress bars (not persisted). */
  onProgress?: (updateId: string, progress: DownloadProgress) => void;
}

/**
 * The real `transfer` actor of the download machine: waits for a download slot (TRANSFER.STARTED),
 * downloads with resume and verification, and answers TRANSFER.DONE, TRANSFER.FAILED (with
 * `retryable`) or TRANSFER.CANCELLED (queue cancel, or the machine leaving `active`).
 *
 * @example download.provide({ actors: { transfer: createTransferLogic({ queues, downloader }), timer } })
 */
export function createTransferLogic(deps: TransferDeps) {
  return fromCallback<EventObject, TransferInput>(({ input, sendBack }) => {
    const send = (event: TransferEvent) => sendBack(event);
    const stopped = new AbortController();
    const { task } = input;
    deps.queues
      .download(
        task.updateId,
        (queueSignal) => {
          send({ type: 'TRANSFER.STARTED' });
          return downloadContent(
            task,
            {
              signal: AbortSignal.any([queueSignal, stopped.signal]),
              onProgress: deps.onProgress && ((progress) => deps.onProgress?.(task.updateId, progress)),
            },
            deps.downloader,
          );
        },
        {},
      )
      .then(
        (result) =>
          send({ type: 'TRANSFER.DONE', file: result.file, bytesTransferred: result.bytesTransferred }),
        (error: unknown) => {
          if (stopped.signal.aborted || isCancellation(error)) {
            send({ type: 'TRANSFER.CANCELLED' });
            return;
          }
          send({
            type: 'TRANSFER.FAILED',
            error: {
              code: isPatchbayError(error) ? error.code : 'DOWNLOAD_FAILED',
              message: error instanceof Error ? error.message : String(error),
              retryable: isRetryableDownloadError(error),
            },
          });
        },
      );
    return () => {
      stopped.abort();
      deps.queues.dropPending('download', task.updateId);
    };
  });
}

function isCancellation(error: unknown): boolean {
  return isPatchbayError(error, 'TASK_CANCELLED') || (error instanceof Error && error.name === 'AbortError');
}
