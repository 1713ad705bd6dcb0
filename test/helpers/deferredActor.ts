import { fromPromise } from 'xstate';

/** One start of a deferred promise actor: its input, and the handles to settle it. */
export interface DeferredRun<TInput, TOutput> {
  input: TInput;
  signal: AbortSignal;
  resolve(output: TOutput): void;
  reject(error: unknown): void;
}

/** A promise actor a test settles by hand; every start is recorded in `runs`. */
export function createDeferredActor<TOutput, TInput>() {
  const runs: DeferredRun<TInput, TOutput>[] = [];
  const logic = fromPromise<TOutput, TInput>(
    ({ input, signal }) =>
      new Promise<TOutput>((resolve, reject) => {
        runs.push({ input, signal, resolve, reject });
      }),
  );
  return { logic, runs, last: () => runs[runs.length - 1]! };
}

/** Lets settled promises and the actors' reactions to them run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Polls `condition` every few milliseconds until it holds (or fails after `timeoutMs`). The default
 * deadline is generous on purpose: it only ends a wait that a defect made endless, and a loaded CI
 * machine must not reach it.
 */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
