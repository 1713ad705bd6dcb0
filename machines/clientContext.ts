import type { FailureInfo } from '../src/domain/agentEvent.ts';
import type { InstallDay } from '../src/domain/fleet.ts';
import { backoffDelay, type TimerSpec } from '../src/domain/timerSpec.ts';
import {
  activeProviders,
  type CheckInResult,
  type ClientItem,
  type ClientSettings,
  isForced,
  isHighPriority,
  mergePlan,
} from './clientPlan.ts';

/** What the `checkIn` actor is given: one provider to try, and what the check-in body needs. */
export interface CheckInInput {
  provider: string;
  settings: ClientSettings;
  planEtag?: string;
  restartRequired: boolean;
  lastError?: FailureInfo;
  manual: boolean;
}

/** The settings a user may change locally (in the default group, while nothing is running). */
export type SettingsChange = Partial<Pick<ClientSettings, 'mode' | 'installDay' | 'installHour'>>;

/**
 * The client's persisted context. Deadlines (`nextCheckAt`, `nextWindowAt`) are absolute times
 * chosen by the `timer` actor and kept here, so a restart waits for the same instants.
 */
export interface ClientContext {
  settings: ClientSettings;
  locked: boolean;
  group?: { id: string; name: string };
  configuredProviders: string[];
  /** Providers from the last check-in reply; used while they work. */
  groupProviders: string[];
  providerIndex: number;
  /** Providers tried in the current round of failover. */
  providerAttempts: number;
  planEtag?: string;
  items: ClientItem[];
  /** Ids being downloaded or applied now. */
  selection: string[];
  intent: 'install' | 'stage';
  manualCheck: boolean;
  /** `awaitingUser`: a manual check found High Priority updates; the user may apply now or DEFER. */
  highPriority: 'auto' | 'awaitingUser' | 'deferred';
  /** Set by CANCEL: nothing starts by itself until the next check or apply. */
  paused: boolean;
  restartRequired: boolean;
  /** Consecutive failed checks; drives the backoff of the next check. */
  failures: number;
  backoff: { baseMs: number };
  nextCheckAt?: number;
  nextWindowAt?: number;
  lastError?: FailureInfo;
}

/** The client's input: the settings and providers from the config file. */
export interface ClientInput {
  settings: ClientSettings;
  providers: string[];
  backoff?: { baseMs: number };
}

/** True when forced removals or (not deferred) High Priority updates should start now. */
export const highPriorityDue = (context: ClientContext): boolean =>
  !context.paused &&
  (context.items.some(isForced) || (context.highPriority === 'auto' && context.items.some(isHighPriority)));
/** True when the install-window timer must run: automatic mode with work, or deferred High Priority. */
export const windowNeeded = (context: ClientContext): boolean =>
  (context.settings.mode === 'automatic' && context.items.some((item) => item.phase !== 'failed')) ||
  (context.highPriority === 'deferred' && context.items.some(isHighPriority));

/**
 * The context after a successful check-in: the new plan merged with local progress, High Priority
 * handling (a manual check asks the user; a deferral survives automatic checks), a locked group's
 * settings, the group's providers, and the failure counters reset.
 */
export function acceptCheckResult(context: ClientContext, reply: CheckInResult): Partial<ClientContext> {
  const items = reply.unchanged || !reply.actions ? context.items : mergePlan(context.items, reply.actions);
  const hasHighPriority = items.some(isHighPriority);
  let highPriority: ClientContext['highPriority'] = 'auto';
  if (hasHighPriority && context.manualCheck) highPriority = 'awaitingUser';
  else if (hasHighPriority && context.highPriority === 'deferred') highPriority = 'deferred';
  // Only a locked group imposes its settings; default-group machines keep their own.
  const settings = reply.group.locked ? reply.settings : context.settings;
  return {
    items,
    highPriority,
    settings,
    locked: reply.group.locked,
    group: { id: reply.group.id, name: reply.group.name },
    groupProviders: reply.providers.length > 0 ? reply.providers : context.groupProviders,
    planEtag: reply.planEtag,
    failures: 0,
    providerAttempts: 0,
    lastError: undefined,
    paused: false,
    // A changed window must be re-chosen, not kept from before.
    nextWindowAt: sameWindow(context.settings, settings) ? context.nextWindowAt : undefined,
  };
}

/** The context after one provider failed: the next provider of the round, or the configured list. */
export function advanceProvider(context: ClientContext): Partial<ClientContext> {
  const providers = activeProviders(context);
  if (context.providerAttempts + 1 < providers.length) {
    return {
      providerIndex: (context.providerIndex + 1) % providers.length,
      providerAttempts: context.providerAttempts + 1,
    };
  }
  // Every group provider failed: fall back to the configured list for the rest of this round.
  return { groupProviders: [], providerIndex: 0, providerAttempts: 0 };
}

/** The check timer: random in [min, max], or the backoff delay after failed checks. */
export function checkSpec(context: ClientContext): TimerSpec {
  if (context.failures > 0) {
    const delay = backoffDelay(
      context.failures,
      context.backoff.baseMs,
      context.settings.checkInterval.maxMs,
    );
    return { kind: 'random', minMs: delay, maxMs: delay };
  }
  return { kind: 'random', ...context.settings.checkInterval };
}

/** The install-window timer: the next installDay/installHour. */
export function windowSpec(context: ClientContext): TimerSpec {
  return {
    kind: 'window',
    installDay: context.settings.installDay,
    installHour: context.settings.installHour,
  };
}

function sameWindow(a: { installDay: InstallDay; installHour: number }, b: typeof a): boolean {
  return a.installDay === b.installDay && a.installHour === b.installHour;
}

/** A thrown value as context keeps it: a code (INTERNAL when it has none) and a message. */
export function failureOf(error: unknown): FailureInfo {
  const code = (error as { code?: unknown })?.code;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The client's phase for status displays: idle, available, ready, restartRequired, checking, downloading, installing. */
export function clientPhase(value: unknown): string {
  if (typeof value === 'string') return value;
  const resting = (value as { resting?: { status: string } }).resting;
  return resting ? resting.status : 'route';
}

/**
 * Why a SETTINGS.CHANGE would be refused, for the control API's 409 message: `locked` (a group
 * owns the settings), `busy` (checking or applying), or undefined when it would be accepted.
 */
export function settingsRefusal(context: ClientContext, phase: string): 'locked' | 'busy' | undefined {
  if (context.locked) return 'locked';
  return ['checking', 'downloading', 'installing', 'route', 'applying'].includes(phase) ? 'busy' : undefined;
}
