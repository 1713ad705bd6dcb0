import { PatchbayError } from '../src/domain/PatchbayError.ts';

/** An opaque page cursor for a store key (keys may hold NUL bytes, so they travel as base64url). */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The store key behind a cursor; a cursor that is not base64url is INVALID_REQUEST. */
export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) {
    throw new PatchbayError('cursor is not one this server handed out', {
      code: 'INVALID_REQUEST',
      details: { field: 'cursor' },
    });
  }
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
