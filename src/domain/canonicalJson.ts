/**
 * JSON with object keys sorted at every depth, so equal values always give equal text (for hashing).
 * Like JSON.stringify it drops undefined properties and functions; throws TypeError on a cycle.
 *
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? 'null';
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new TypeError('Expected JSON-compatible values, got a bigint');
    return JSON.stringify(value);
  }
  if (ancestors.has(value)) throw new TypeError('Expected an acyclic value, got a cycle');
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value), ancestors);
  ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item) => write(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = write(record[key], ancestors);
      if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
    }
    text = `{${parts.join(',')}}`;
  }
  ancestors.delete(value);
  return text;
}
