import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** One row of a benchmark table: what was measured, the goal, the value, and its same-run baseline. */
export interface BenchRow {
  figure: string;
  goal: string;
  measured: string;
  baseline?: string;
  ratio?: string;
  met?: boolean;
}

const FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

function machineFacts(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

function table(rows: BenchRow[]): string {
  const lines = [
    '| figure | goal | measured | baseline (same run) | ratio | goal met |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const met = row.met === undefined ? '—' : row.met ? 'yes' : '**no**';
    lines.push(
      `| ${row.figure} | ${row.goal} | ${row.measured} | ${row.baseline ?? '—'} | ${row.ratio ?? '—'} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Rewrites the section `name` of BENCHMARKS.md (between `<!-- bench:name -->` markers) with a
 * table, the command that produced it, the machine and the date; other sections stay as they are.
 */
export async function writeBenchSection(
  name: string,
  title: string,
  command: string,
  rows: BenchRow[],
  notes = '',
): Promise<void> {
  let text: string;
  try {
    text = await readFile(FILE, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nEvery figure comes with a baseline measured in the same run on the same machine, and the command that produced it. Sections are rewritten by their benchmark; `npm run bench` runs them all.\n';
  }
  const body = [
    `<!-- bench:${name} -->`,
    `## ${title}`,
    '',
    `Command: \`${command}\`  `,
    `Machine: ${machineFacts()}  `,
    `Run: ${new Date().toISOString()}`,
    '',
    table(rows),
    notes ? `\n${notes.trim()}` : '',
    `<!-- /bench:${name} -->`,
  ].join('\n');
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  text = pattern.test(text) ? text.replace(pattern, body) : `${text.trimEnd()}\n\n${body}\n`;
  await writeFile(FILE, text);
}

/**
 * Rewrites what comes before the first section of BENCHMARKS.md: the title, the machine facts and
 * `lines` (the command, the load on the machine), keeping every section.
 */
export async function writeBenchHeader(lines: string[]): Promise<void> {
  let text = '';
  try {
    text = await readFile(FILE, 'utf8');
  } catch {}
  const first = text.indexOf('<!-- bench:');
  const sections = first === -1 ? '' : text.slice(first);
  const header = [
    '# Benchmarks',
    '',
    'Every figure comes with its goal and, where it is a throughput, a baseline measured in the same run on the same machine. Sections are rewritten by their benchmark; `npm run bench` runs them all.',
    '',
    `Machine: ${machineFacts()}  `,
    ...lines.map((line) => `${line}  `),
    '',
  ].join('\n');
  await writeFile(FILE, `${header}\n${sections}`);
}

/** Formats a number with thousands separators and `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
