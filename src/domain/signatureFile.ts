import { PatchbayError } from './PatchbayError.ts';

// The `<file>.sig` format. Text, so it survives mail, copy-paste and line-ending conversion:
//
//   patchbay-signature v1 ed25519 <keyId>
//   <base64 of the 64-byte Ed25519 signature>
//
// The key id is informational (it says which key signed); verification always tries every trusted
// key. Also accepted, so a signature can be made or pasted without Patchbay: exactly the 64 raw
// signature bytes (as `openssl pkeyutl -sign` writes them), or the bare base64 line alone.

const HEADER = 'patchbay-signature v1 ed25519';
const HEADER_LINE = /^patchbay-signature v1 ed25519(?: ([0-9a-f]{16}))?$/;
const BASE64_LINE = /^[A-Za-z0-9+/]{86}==$/;
const SIGNATURE_BYTES = 64;
/** Larger files are not signature files; refusing them early bounds what a reader buffers. */
export const MAX_SIGNATURE_FILE_BYTES = 1024;

/** A parsed `<file>.sig`: the raw signature and, for the text form, the signer's key id. */
export interface SignatureFile {
  signature: Buffer;
  keyId?: string;
}

/**
 * Renders a signature as the text of a `<file>.sig`.
 *
 * @example formatSignatureFile(signature, 'c0ffee0123456789')
 * // 'patchbay-signature v1 ed25519 c0ffee0123456789\n<base64>\n'
 */
export function formatSignatureFile(signature: Uint8Array, keyId?: string): string {
  if (signature.length !== SIGNATURE_BYTES) {
    throw new TypeError(`Expected \`signature\` to be 64 bytes, got \`${signature.length}\``);
  }
  if (keyId !== undefined && !/^[0-9a-f]{16}$/.test(keyId)) {
    throw new TypeError(`Expected \`keyId\` to be 16 hex characters, got \`${keyId}\``);
  }
  const header = keyId === undefined ? HEADER : `${HEADER} ${keyId}`;
  return `${header}\n${Buffer.from(signature).toString('base64')}\n`;
}

/**
 * Parses the bytes of a `<file>.sig` or an upload's signature part: the text form, the bare base64
 * line, or 64 raw bytes.
 * Throws SIGNATURE_INVALID when they are neither, since a malformed signature cannot verify.
 */
export function parseSignatureFile(bytes: Uint8Array): SignatureFile {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === SIGNATURE_BYTES && !buffer.toString('latin1').startsWith('patchbay-signature')) {
    return { signature: Buffer.from(buffer) };
  }
  if (buffer.length > MAX_SIGNATURE_FILE_BYTES) {
    throw malformed(`${buffer.length} bytes, more than ${MAX_SIGNATURE_FILE_BYTES}`);
  }
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 1 && BASE64_LINE.test(lines[0]!))
    return { signature: Buffer.from(lines[0]!, 'base64') };
  if (lines.length !== 2) throw malformed(`${lines.length} non-empty lines, expected 2`);
  const header = HEADER_LINE.exec(lines[0]!);
  if (!header) throw malformed(`first line is not "${HEADER} [keyId]"`);
  if (!BASE64_LINE.test(lines[1]!)) throw malformed('second line is not a base64 64-byte signature');
  const signature = Buffer.from(lines[1]!, 'base64');
  return header[1] === undefined ? { signature } : { signature, keyId: header[1] };
}

function malformed(reason: string): PatchbayError {
  return new PatchbayError(`malformed signature file: ${reason}`, {
    code: 'SIGNATURE_INVALID',
    details: { reason: 'malformed' },
  });
}
