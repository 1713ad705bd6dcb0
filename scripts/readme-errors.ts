// Rewrites the error table of README.md from src/domain/errorCodes.ts: npm run readme:errors
import { readFile, writeFile } from 'node:fs/promises';
import { ERROR_CODES } from '../src/domain/errorCodes.ts';

const FILE = new URL('../README.md', import.meta.url);
const rows = Object.entries(ERROR_CODES)
  .sort(([, a], [, b]) => a.status - b.status)
  .map(([code, { status, meaning }]) => `| \`${code}\` | ${status} | ${meaning} |`);
const text = await readFile(FILE, 'utf8');
const table = `| code | status | meaning |\n| --- | --- | --- |\n${rows.join('\n')}\n`;
const updated = text.replace(
  /(<!-- section:errors -->[\s\S]*?)\| code +\| status +\| meaning +\|[\s\S]*?(<!-- \/section:errors -->)/,
  `$1${table}$2`,
);
await writeFile(FILE, updated);
