import type { ErrorCode } from './errorCodes.ts';

/** Options for a {@link PatchbayError}: the stable code plus optional cause and client-safe details. */
export interface PatchbayErrorOptions {
  code: ErrorCode;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * The one domain error. Its `code` is stable and documented; its message may change.
 *
 * @example throw new PatchbayError('no update abc', { code: 'UPDATE_NOT_FOUND' })
 */
export class PatchbayError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: PatchbayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PatchbayError';
    this.code = options.code;
    this.details = options.details;
  }
}

/** True when `error` is a PatchbayError, optionally with the given code. */
export function isPatchbayError(error: unknown, code?: ErrorCode): error is PatchbayError {
  return error instanceof PatchbayError && (code === undefined || error.code === code);
}
