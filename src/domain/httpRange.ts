// Byte ranges and entity tags for serving immutable content (RFC 9110 §13–14), as pure functions
// so the route stays a thin adapter and the edge cases are tested without sockets.

/** What a `Range` header asks of a representation of `size` bytes. */
export type RangeRequest =
  /** No usable Range: serve the whole representation (absent, malformed, not bytes, or several ranges). */
  | { kind: 'full' }
  /** One satisfiable range, inclusive bounds already clipped to the size. */
  | { kind: 'partial'; start: number; end: number }
  /** Syntactically valid but outside the content: answer 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * Parses a `Range` header against a size. Only a single byte range is honoured: a malformed header
 * is ignored, as RFC 9110 allows, and so is a multi-range request (served whole with 200 rather than
 * as multipart/byteranges, which download clients resuming a file never ask for). A suffix range
 * (`bytes=-500`) means the last 500 bytes; an open range (`bytes=500-`) runs to the end.
 *
 * @example parseRange('bytes=100-', 1000) // { kind: 'partial', start: 100, end: 999 }
 * @example parseRange('bytes=2000-', 1000) // { kind: 'unsatisfiable' }
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: 'full' };
  const specs = match[1]!.split(',').map((spec) => spec.trim());
  if (specs.length !== 1) return { kind: 'full' };
  const spec = RANGE_SPEC.exec(specs[0]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'full' };
  const [, first, last] = spec;
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'full' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * True when an `If-None-Match` header names `etag` (weak comparison, so `W/"x"` matches `"x"`) or
 * is `*`; then a GET or HEAD is answered 304 Not Modified.
 *
 * @example ifNoneMatchHits('"abc", "def"', '"def"') // true
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const bare = stripWeak(etag);
  return header.split(',').some((candidate) => stripWeak(candidate.trim()) === bare);
}

/**
 * True when a Range may be honoured under `If-Range`: the header is absent, or it is exactly the
 * current strong entity tag. A date or another tag means "send it all" (we send no Last-Modified,
 * and content under a hash never changes, so a date cannot prove the client's copy is ours).
 *
 * @example ifRangeAllowsPartial('"abc"', '"abc"') // true
 */
export function ifRangeAllowsPartial(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  return !value.startsWith('W/') && value === etag;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
