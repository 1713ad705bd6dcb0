/** An event as the inspection log keeps it. */
export type EventSummary = { type: string; [key: string]: unknown };

/**
 * What the inspection log keeps of an event the host delivered: its own fields, with scalars and
 * flat objects (settings, status) copied and every list cut down to its length, e.g.
 * `{ type: 'CHECKED_IN', at, name, installed: '[4 items]', pending: '[1 item]' }`.
 *
 * Why not the event itself: the log holds the last 10,000 records for seconds, and a check-in's
 * event carries the machine's whole inventory and plan. Kept that long, those objects outlived the
 * young generation, were promoted and then died in the old one, and the mark-compacts that followed
 * cost a busy provider ~15% of its check-ins (docs/performance.md, "A lighter inspection log").
 * What the lists held is in the actor's snapshot, which the visualizer shows beside the log.
 *
 * @example eventSummary({ type: 'CHECKED_IN', installed: [a, b] }) // { type: 'CHECKED_IN', installed: '[2 items]' }
 */
export function eventSummary(event: EventSummary): EventSummary {
  const summary: EventSummary = { type: event.type };
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (value === null || typeof value !== 'object') summary[key] = value;
    else if (Array.isArray(value)) summary[key] = `[${value.length} item${value.length === 1 ? '' : 's'}]`;
    else summary[key] = isFlat(value) ? { ...value } : '{…}';
  }
  return summary;
}

function isFlat(value: object): boolean {
  for (const field of Object.values(value)) if (field !== null && typeof field === 'object') return false;
  return true;
}
