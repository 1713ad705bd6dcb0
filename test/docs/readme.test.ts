import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CODES } from '../../src/domain/errorCodes.ts';

const test = suite('README');
const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

test('the error table lists every code with its status, and nothing else', () => {
  const rows = [...readme.matchAll(/^\| `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map((match) => [
    match[1],
    Number(match[2]),
  ]);
  const expected = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]);
  assert.equal(
    rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    expected.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    'run npm run readme:errors',
  );
});

test('the two fresh-clone commands are in the README and in package.json', () => {
  assert.match(readme, /npm ci && npm start/);
  assert.match(readme, /npm test/);
  assert.match(packageJson.scripts.start, /provider/);
  assert.match(packageJson.scripts.test, /tsc|typecheck/);
});

test.run();
