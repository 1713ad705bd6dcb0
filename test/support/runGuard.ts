/**
 * Preloaded by `npm run test:unit` (`node --import tsx --import ./test/support/runGuard.ts …`).
 *
 * Why: uvu ends a run by setting `process.exitCode` and waiting for the event loop to drain. A
 * failing test that leaves a server, socket or child process behind then keeps the whole run
 * alive until CI's own time limit, and CI keeps only the tail of the log, so the failure itself
 * is never seen. This guard
 *  - repeats every failure after uvu's summary, where a truncated log still shows it;
 *  - once the summary is printed, gives the loop a few seconds to drain, then names what still
 *    holds it open and exits with uvu's code;
 *  - ends a run that is still going after RUN_DEADLINE_MS, naming the file it was in.
 */

// The guard's own test shortens the grace; a real run keeps the default.
const DRAIN_GRACE_MS = Number(process.env.PATCHBAY_TEST_DRAIN_MS) || 10_000;
const RUN_DEADLINE_MS = 15 * 60_000;
const SUMMARY_LINE = /\n {2}Duration: /;
const FILE_HEADER = /([\w./-]+\.test\.ts)/;

const failures: string[] = [];
let currentFile = '(loading test files)';
const writeToStdout = process.stdout.write.bind(process.stdout);

function observe(text: string): void {
  const header = FILE_HEADER.exec(text);
  if (header?.[1]) currentFile = header[1];
  if (text.includes(' FAIL ')) failures.push(text);
  if (SUMMARY_LINE.test(text)) setImmediate(afterSummary);
}

process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  observe(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return writeToStdout(chunk, ...rest);
}) as typeof process.stdout.write;

function repeatFailures(): void {
  if (failures.length === 0) return;
  writeToStdout(`\n${failures.length} failing suite(s), repeated from above:\n${failures.join('\n')}\n`);
}

function stillOpen(): string {
  const resources = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
  return resources.length > 0 ? resources.join(', ') : 'nothing visible';
}

function afterSummary(): void {
  repeatFailures();
  setTimeout(() => {
    const code = Number(process.exitCode ?? 0) || (failures.length > 0 ? 1 : 0);
    process.stderr.write(
      `test run finished ${DRAIN_GRACE_MS / 1000} s ago but the event loop is still held (${stillOpen()}); ` +
        `a test leaked it. Exiting with code ${code}.\n`,
    );
    process.exit(code);
  }, DRAIN_GRACE_MS).unref();
}

setTimeout(() => {
  repeatFailures();
  process.stderr.write(
    `test run still going after ${RUN_DEADLINE_MS / 60_000} min, last in ${currentFile} (held by ${stillOpen()}); giving up.\n`,
  );
  process.exit(1);
}, RUN_DEADLINE_MS).unref();
