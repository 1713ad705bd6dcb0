/** Every event type an agent may report through `POST /agent/v1/events` (API.md). */
export const AGENT_EVENT_TYPES = [
  'download.started',
  'download.succeeded',
  'download.failed',
  'download.cancelled',
  'install.started',
  'install.succeeded',
  'install.failed',
  'install.cancelled',
  'remove.succeeded',
  'remove.failed',
  'restart.required',
  'check.failed',
] as const;

/** One agent event type, e.g. `install.failed`. */
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/**
 * One event as an agent reports it: what happened, to which update (if any), when (agent clock),
 * and a free-text detail such as an installer's error message.
 *
 * @example { type: 'install.failed', updateId: 'u7', at: '2026-01-01T03:00:00.000Z', detail: 'exit code 1603' }
 */
export interface AgentEvent {
  /** The agent's sequence number (grows by one per event); a resend carries the same one. */
  seq?: number;
  type: AgentEventType;
  updateId?: string;
  at: string;
  detail?: string;
}

/** True when `value` names an agent event type. */
export function isAgentEventType(value: unknown): value is AgentEventType {
  return typeof value === 'string' && (AGENT_EVENT_TYPES as readonly string[]).includes(value);
}
