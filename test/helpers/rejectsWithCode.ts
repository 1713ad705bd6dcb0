import * as assert from 'uvu/assert';
import type { ErrorCode } from '../../src/domain/errorCodes.ts';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';

/** Asserts that `promise` rejects with a PatchbayError of `code`, and returns that error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPatchbayError(error, code), `expected ${code}, got ${String(error)}`);
    return error as Error;
  }
  assert.unreachable(`expected ${code}, but it resolved`);
  throw new Error('unreachable');
}
