import type { UpdateStatus } from '../agent/agentStatus.ts';

/** A byte count for people: `12.3 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * One line per update: a bar for the download (bytes of total, rate) and the install state.
 *
 * @example progressLine(update, 30) // 'demo 25.01.01.12  [#######.......]  48%  1.2 MB/s  downloading'
 */
export function progressLine(update: UpdateStatus, width = 30): string {
  const name = `${update.application} ${update.version}`;
  const install = update.install;
  const download = update.download;
  if (install && install.state !== 'queued') {
    const state = install.state === 'done' ? (install.outcome ?? 'done') : install.state;
    return `${name}  ${update.action} ${state}${install.error ? ` (${install.error.code})` : ''}`;
  }
  if (!download) return `${name}  ${update.action} ${update.phase}`;
  const fraction = download.total > 0 ? Math.min(1, download.bytes / download.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = download.state === 'running' ? `  ${formatBytes(download.rate)}/s` : '';
  const error = download.error ? ` (${download.error.code})` : '';
  return `${name}  ${bar} ${percent}  ${formatBytes(download.bytes)}/${formatBytes(download.total)}${rate}  download ${download.state}${error}`;
}

/** Redraws a block of lines in place on a TTY (cursor up, clear line). */
export class LiveBlock {
  readonly #out: NodeJS.WriteStream;
  #height = 0;

  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }

  /** Replaces the block drawn last with `lines`. */
  draw(lines: string[]): void {
    let text = this.#height > 0 ? `\x1b[${this.#height}A` : '';
    for (const line of lines) text += `\x1b[2K${line.slice(0, (this.#out.columns || 120) - 1)}\n`;
    // Lines left over from a taller block are cleared.
    for (let i = lines.length; i < this.#height; i++) text += '\x1b[2K\n';
    if (lines.length < this.#height) text += `\x1b[${this.#height - lines.length}A`;
    this.#out.write(text);
    this.#height = Math.max(lines.length, 0);
  }
}
