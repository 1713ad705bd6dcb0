/**
 * What tests opened (servers, child processes, stores, actors), released by the suite's
 * `after.each` hook, which uvu also runs when a test fails. A cleanup written as the last line of
 * a test body is skipped by a failing assertion, and the server or child it should have closed
 * then keeps the run alive.
 *
 * @example
 *   const opened = createCleanups();
 *   const check = suite('checkIn');
 *   check.after.each(opened.release);
 *   check('…', async () => {
 *     const provider = opened.add(await startFakeProvider(), (p) => p.close());
 *     …
 *   });
 *
 * A release that fails is printed with the test's name and makes the run exit with 1, but is not
 * thrown: uvu lets an error thrown by `after.each` replace a failing test's own error and then
 * reports that suite as passed.
 */
export interface Cleanups {
  /** Registers `release(resource)` and returns `resource`. */
  add<T>(resource: T, release: (resource: T) => unknown): T;
  /** Registers a function to run after the test. */
  defer(release: () => unknown): void;
  /** Runs what was registered, newest first; the `after.each` hook. */
  release(state?: { __suite__?: string; __test__?: string }): Promise<void>;
}

let failedReleases = 0;
process.on('exit', () => {
  if (failedReleases > 0) process.exitCode = 1;
});

export function createCleanups(): Cleanups {
  const pending: (() => unknown)[] = [];
  return {
    add(resource, release) {
      pending.push(() => release(resource));
      return resource;
    },
    defer(release) {
      pending.push(release);
    },
    async release(state = {}) {
      while (pending.length > 0) {
        const release = pending.pop()!;
        try {
          await release();
        } catch (error) {
          failedReleases++;
          process.stdout.write(
            `\n FAIL  cleanup after "${state.__suite__ ?? ''} › ${state.__test__ ?? ''}" failed: ${
              (error as Error)?.stack ?? String(error)
            }\n`,
          );
        }
      }
    },
  };
}
