import { type Dispatcher, request } from 'undici';
import type { CheckInResult, ClientSettings } from '../../machines/clientPlan.ts';
import type { AgentEvent, FailureInfo } from '../domain/agentEvent.ts';
import { isPatchbayError, PatchbayError } from '../domain/PatchbayError.ts';
import type { ProviderCredentials } from './agentCredentials.ts';
import { parseCheckInReply } from './checkInReply.ts';
import type { InstalledApplication } from './inventory.ts';

/** How the agent talks to providers. */
export interface ProviderClientOptions {
  dispatcher?: Dispatcher;
  /** Replies longer than this are refused with MESSAGE_TOO_LARGE (the manual's MaximumMessageSize). */
  maxMessageSize: number;
  /** The whole exchange must finish within this (the manual's SendTimeout); else REQUEST_TIMEOUT. */
  sendTimeoutMs: number;
  /** Enrollment key / machine secret per provider (src/agent/agentCredentials.ts); none sends nothing. */
  credentials?: ProviderCredentials;
}

/** The check-in body (API.md `POST /agent/v1/checkin`). */
export interface CheckInRequest {
  machine: { id: string; name: string; ip?: string; agentVersion?: string };
  settings: Pick<ClientSettings, 'mode' | 'installDay' | 'installHour'>;
  installed: InstalledApplication[];
  /** `lastError` is text on the wire (API.md's provider keeps it as a note): `CODE: message`. */
  status: { restartRequired: boolean; lastError?: string };
  planEtag?: string;
}

/**
 * An event as the provider receives it (API.md): type, update, the agent's time, and the detail as
 * text. `seq` is the agent's delivery sequence number, the same on every resend of the event, so a
 * provider can drop a duplicate (a 202 lost on the way back).
 */
export interface WireAgentEvent {
  seq?: number;
  type: AgentEvent['type'];
  updateId?: string;
  at: string;
  detail?: string;
}

const MAX_DETAIL = 4096;

/** A failure as check-in text: `CODE: message`, at most 4,096 characters. */
export function failureText(error: FailureInfo): string {
  return `${error.code}: ${error.message}`.slice(0, MAX_DETAIL);
}

/**
 * A machine event as the provider takes it: the structured detail becomes one line of text,
 * `CODE: message — key=value, …` (at most 4,096 characters).
 *
 * @example toWireEvent({ type: 'download.failed', detail: { code: 'CONTENT_HASH_MISMATCH', message: 'bad' } }, 3, at)
 */
export function toWireEvent(event: AgentEvent, seq: number, at: string): WireAgentEvent {
  const wire: WireAgentEvent = { seq, type: event.type, at };
  if (event.updateId !== undefined) wire.updateId = event.updateId;
  const detail = detailText(event.detail);
  if (detail) wire.detail = detail;
  return wire;
}

function detailText(detail: Record<string, unknown> | undefined): string | undefined {
  if (!detail) return undefined;
  const { code, message, ...rest } = detail;
  const head =
    typeof code === 'string' ? `${code}: ${String(message ?? '')}` : message ? String(message) : '';
  const tail = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
  const text = [head, tail].filter((part) => part.length > 0).join(' — ');
  return text.length > 0 ? text.slice(0, MAX_DETAIL) : undefined;
}

/**
 * Checks in with one provider and returns the validated reply (content URLs made absolute).
 * Failures are PatchbayErrors: MESSAGE_TOO_LARGE, REQUEST_TIMEOUT, or PROVIDER_UNAVAILABLE
 * (unreachable, error status, malformed reply).
 *
 * @example await checkIn('http://provider:8092', body, { maxMessageSize: 262144, sendTimeoutMs: 60000 })
 */
export async function checkIn(
  provider: string,
  body: CheckInRequest,
  options: ProviderClientOptions,
  signal?: AbortSignal,
): Promise<CheckInResult> {
  const headers = options.credentials?.headers(provider, body.machine.id) ?? {};
  const reply = await exchange(provider, '/agent/v1/checkin', body, options, signal, headers);
  let json: unknown;
  try {
    json = JSON.parse(reply.toString('utf8'));
  } catch (error) {
    throw new PatchbayError(`${provider} sent a malformed check-in reply: ${(error as Error).message}`, {
      code: 'PROVIDER_UNAVAILABLE',
      cause: error,
    });
  }
  // The machine secret of an enrolling check-in is kept before anything else can fail.
  await options.credentials?.accept(provider, json);
  try {
    return parseCheckInReply(json, provider);
  } catch (error) {
    throw new PatchbayError(`${provider} sent a malformed check-in reply: ${(error as Error).message}`, {
      code: 'PROVIDER_UNAVAILABLE',
      cause: error,
    });
  }
}

/**
 * Delivers events, in order, to one provider (`202` expected). The caller keeps them until this
 * resolves, so a failure loses nothing.
 *
 * @example await postEvents(provider, machineId, [{ type: 'check.failed', at }], options)
 */
export async function postEvents(
  provider: string,
  machineId: string,
  events: WireAgentEvent[],
  options: ProviderClientOptions,
  signal?: AbortSignal,
): Promise<void> {
  const headers = options.credentials?.headers(provider, machineId) ?? {};
  await exchange(provider, '/agent/v1/events', { machineId, events }, options, signal, headers);
}

async function exchange(
  provider: string,
  path: string,
  body: unknown,
  options: ProviderClientOptions,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<Buffer> {
  const timeout = AbortSignal.timeout(options.sendTimeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const url = new URL(path, provider).toString();
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
        ...extraHeaders,
      },
      body: JSON.stringify(body),
      signal: combined,
    });
    const declared = Number(response.headers['content-length'] ?? Number.NaN);
    if (declared > options.maxMessageSize) {
      // Nothing reads the refused body: drop the connection rather than download it.
      response.body.on('error', () => {});
      response.body.destroy();
      throw tooLarge(url, options.maxMessageSize);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      length += chunk.length;
      // Throwing out of the loop ends the iterator, which destroys the body stream.
      if (length > options.maxMessageSize) throw tooLarge(url, options.maxMessageSize);
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks);
    if (response.statusCode >= 300) {
      throw new PatchbayError(`${url} answered ${response.statusCode}: ${errorCodeOf(text)}`, {
        code: 'PROVIDER_UNAVAILABLE',
        details: { status: response.statusCode, providerCode: errorCodeOf(text) },
      });
    }
    return text;
  } catch (error) {
    if (isPatchbayError(error)) throw error;
    if (timeout.aborted && !signal?.aborted) {
      throw new PatchbayError(`${url} did not answer within ${options.sendTimeoutMs} ms`, {
        code: 'REQUEST_TIMEOUT',
        cause: error,
      });
    }
    if (signal?.aborted) throw error;
    throw new PatchbayError(`${url} is unreachable: ${(error as Error).message}`, {
      code: 'PROVIDER_UNAVAILABLE',
      cause: error,
    });
  }
}

function tooLarge(url: string, max: number): PatchbayError {
  return new PatchbayError(`the reply from ${url} is larger than maxMessageSize (${max} bytes)`, {
    code: 'MESSAGE_TOO_LARGE',
    details: { maxMessageSize: max },
  });
}

function errorCodeOf(body: Buffer): string {
  try {
    return String(
      (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code ?? 'unknown',
    );
  } catch {
    return 'unknown';
  }
}
