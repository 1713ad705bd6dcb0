import type { AgentEventType } from './agentEvents.ts';

// One list of event types for the wire, the provider and the agent's machines.
export { AGENT_EVENT_TYPES, type AgentEventType } from './agentEvents.ts';

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
