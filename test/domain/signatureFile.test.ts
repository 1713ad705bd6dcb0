import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPatchbayError } from '../../src/domain/PatchbayError.ts';
import { formatSignatureFile, parseSignatureFile } from '../../src/domain/signatureFile.ts';

const signature = Buffer.from(Array.from({ length: 64 }, (_, index) => (index * 37) & 0xff));
const isMalformed = (error: unknown) =>
  isPatchbayError(error, 'SIGNATURE_INVALID') && error.details?.['reason'] === 'malformed';

const format = suite('formatSignatureFile');

format('writes a header line with the key id and a base64 line', () => {
  const text = formatSignatureFile(signature, '0123456789abcdef');
  const lines = text.split('\n');
  assert.is(lines[0], 'patchbay-signature v1 ed25519 0123456789abcdef');
  assert.equal(Buffer.from(lines[1]!, 'base64'), signature);
  assert.is(lines[2], '');
  assert.is(lines.length, 3);
});

format('omits the key id when none is given', () => {
  assert.is(formatSignatureFile(signature).split('\n')[0], 'patchbay-signature v1 ed25519');
});

format('a signature that is not 64 bytes is a TypeError', () => {
  assert.throws(
    () => formatSignatureFile(Buffer.alloc(10)),
    (e: unknown) => e instanceof TypeError,
  );
});

format('a key id that is not 16 hex characters is a TypeError', () => {
  assert.throws(
    () => formatSignatureFile(signature, 'XYZ'),
    (e: unknown) => e instanceof TypeError,
  );
});

const parse = suite('parseSignatureFile');

parse('reads back what formatSignatureFile wrote', () => {
  const parsed = parseSignatureFile(Buffer.from(formatSignatureFile(signature, '0123456789abcdef')));
  assert.equal(parsed.signature, signature);
  assert.is(parsed.keyId, '0123456789abcdef');
});

parse('accepts the text form without a key id', () => {
  const parsed = parseSignatureFile(Buffer.from(formatSignatureFile(signature)));
  assert.equal(parsed.signature, signature);
  assert.is(parsed.keyId, undefined);
});

parse('tolerates CRLF line endings and surrounding blank lines', () => {
  const crlf = `\r\n${formatSignatureFile(signature, '0123456789abcdef').replaceAll('\n', '\r\n')}\r\n`;
  assert.equal(parseSignatureFile(Buffer.from(crlf)).signature, signature);
});

parse('accepts exactly 64 raw bytes (openssl pkeyutl output)', () => {
  const parsed = parseSignatureFile(signature);
  assert.equal(parsed.signature, signature);
  assert.is(parsed.keyId, undefined);
});

parse('accepts the bare base64 line alone (a pasted signature)', () => {
  const parsed = parseSignatureFile(Buffer.from(`${signature.toString('base64')}\n`));
  assert.equal(parsed.signature, signature);
  assert.is(parsed.keyId, undefined);
});

parse('raw bytes of another length are malformed', () => {
  assert.throws(() => parseSignatureFile(signature.subarray(0, 63)), isMalformed);
});

parse('a wrong header is malformed', () => {
  const text = `gpg-signature v1\n${signature.toString('base64')}\n`;
  assert.throws(() => parseSignatureFile(Buffer.from(text)), isMalformed);
});

parse('a base64 line of the wrong length is malformed', () => {
  const text = `patchbay-signature v1 ed25519\n${signature.subarray(0, 48).toString('base64')}\n`;
  assert.throws(() => parseSignatureFile(Buffer.from(text)), isMalformed);
});

parse('extra lines are malformed', () => {
  const text = `${formatSignatureFile(signature)}trailing\n`;
  assert.throws(() => parseSignatureFile(Buffer.from(text)), isMalformed);
});

parse('an empty file is malformed', () => {
  assert.throws(() => parseSignatureFile(Buffer.alloc(0)), isMalformed);
});

parse('a file over 1 KiB is malformed without being decoded', () => {
  assert.throws(() => parseSignatureFile(Buffer.alloc(4096, 0x41)), isMalformed);
});

format.run();
parse.run();
