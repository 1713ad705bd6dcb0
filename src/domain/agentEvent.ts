/** Event types an agent reports to its provider (API.md, `POST /agent/v1/events`). */
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

/** One reportable event type. */
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/**
 * An event as a machine produces it; the agent runtime stamps `at` and the machine id when it
 * puts the event in the on-disk outbox.
 */
export interface AgentEvent {
  type: AgentEventType;
  updateId?: string;
  detail?: Record<string, unknown>;
}

/** A failure as machines keep it in context: a stable code and a message (never an Error object). */
export interface FailureInfo {
  code: string;
  message: string;
}
