import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FIXTURES_DIR } from '../../fixtures/make-fixtures.ts';

/** The path of a fixture package: `packages/<file>` or `bad/<defect>/<file>`. */
export function fixturePath(relative: string): string {
  return join(FIXTURES_DIR, relative);
}

/** Which parts an upload sends, in order, as `curl -F name=@file` would. */
export type UploadPart = 'manifest' | 'signature' | 'file';

/**
 * Uploads a package with its sidecars as they are on disk, every part a file part (like
 * `curl -F manifest=@x.manifest.json -F signature=@x.sig -F file=@x`), in the order given; a
 * target with an `adminToken` (a test provider) sends it as the bearer token.
 */
export async function uploadFixture(
  target: string | { url: string; adminToken?: string },
  packagePath: string,
  parts: UploadPart[] = ['manifest', 'signature', 'file'],
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const part of parts) {
    const path =
      part === 'file'
        ? packagePath
        : part === 'manifest'
          ? `${packagePath}.manifest.json`
          : `${packagePath}.sig`;
    form.append(part, new Blob([await readFile(path)]), basename(path));
  }
  const baseUrl = typeof target === 'string' ? target : target.url;
  const adminToken = typeof target === 'string' ? undefined : target.adminToken;
  const response = await fetch(new URL('/api/v1/updates', baseUrl), {
    method: 'POST',
    body: form,
    headers: adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` },
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}
