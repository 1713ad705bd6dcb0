/**
 * Waits for SIGINT or SIGTERM, then runs `close` (flushing whatever the server holds) and logs how
 * the shutdown went. Shared by `patchbay provider` and `patchbay agent`.
 *
 * @example await runUntilSignal(() => provider.close(), log)
 */
export async function runUntilSignal(close: () => Promise<void>, log: (line: string) => void): Promise<void> {
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log(`${signal}: shutting down`);
      close().then(done, (error) => {
        log(`shutdown failed: ${(error as Error).message}`);
        done();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log('stopped cleanly');
}
