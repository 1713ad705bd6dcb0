import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentStatus } from '../agent/agentStatus.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import { LiveBlock, progressLine } from './progressBars.ts';

/** The default address of the local control API. */
export const DEFAULT_CONTROL_URL = 'http://127.0.0.1:8094';

/** Calls the control API; an error envelope becomes a PatchbayError with its code. */
export async function controlRequest(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; text: string }> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new PatchbayError(
      `the agent's control API at ${base} is not reachable (is \`patchbay agent\` running?)`,
      {
        code: 'PROVIDER_UNAVAILABLE',
        cause: error,
      },
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.status >= 400) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new PatchbayError(error?.message ?? `${method} ${path} answered ${response.status}`, {
      code: (error?.code ?? 'INTERNAL') as never,
    });
  }
  return { status: response.status, body: parsed, text };
}

/** The status as readable lines. */
export function statusLines(status: AgentStatus): string[] {
  const lines = [
    `machine      ${status.machine.name} (${status.machine.id})`,
    `state        ${status.phase}${status.paused ? ' (paused by cancel)' : ''}`,
    `mode         ${status.mode}, window ${status.settings.installDay} ${String(status.settings.installHour).padStart(2, '0')}:00${status.locked ? ` (locked by group ${status.group?.name ?? ''})` : ''}`,
    `next check   ${status.nextCheckAt ?? '—'}`,
    `next window  ${status.nextWindowAt ?? '—'}`,
    `providers    ${status.providers.join(', ') || '—'}`,
  ];
  if (status.restartRequired) lines.push('restart      required');
  if (status.lastError) lines.push(`last error   ${status.lastError.code}: ${status.lastError.message}`);
  if (status.highPriority === 'awaitingUser') {
    lines.push(
      'High Priority updates found: `patchbay agent apply` now, or `patchbay agent defer` to the window',
    );
  }
  if (status.unsentEvents > 0) lines.push(`unsent       ${status.unsentEvents} events wait for a provider`);
  lines.push(status.updates.length === 0 ? 'updates      none' : 'updates');
  for (const update of status.updates) {
    lines.push(`  ${update.id}  ${update.highPriority ? '[HP] ' : ''}${progressLine(update)}`);
  }
  return lines;
}

const BUSY = new Set(['checking', 'downloading', 'installing', 'route', 'applying']);

/**
 * Follows the agent until it is no longer checking, downloading or installing: progress bars
 * redrawn in place on a TTY, one line per change otherwise. Resolves with the final status.
 */
export async function follow(base: string, out: NodeJS.WriteStream, intervalMs = 250): Promise<AgentStatus> {
  const block = out.isTTY ? new LiveBlock(out) : undefined;
  const printed = new Map<string, string>();
  for (;;) {
    const status = (await controlRequest(base, 'GET', '/status')).body as AgentStatus;
    const lines = [`${status.phase}`, ...status.updates.map((update) => `  ${progressLine(update)}`)];
    if (block) block.draw(lines);
    else {
      for (const update of status.updates) {
        // Plain output: only state changes, not every byte count.
        const line = progressLine(update).replace(/\[[#.]+\].*?download /, 'download ');
        if (printed.get(update.id) !== line) {
          printed.set(update.id, line);
          out.write(`${update.id}  ${line}\n`);
        }
      }
    }
    if (!BUSY.has(status.phase)) {
      out.write(`${status.phase}\n`);
      return status;
    }
    await sleep(intervalMs);
  }
}
