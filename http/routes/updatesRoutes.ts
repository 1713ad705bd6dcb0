import Router from '@koa/router';
import { z } from 'zod';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import { UPDATE_STATES, type Update } from '../../src/domain/update.ts';
import type { Catalog } from '../../src/provider/Catalog.ts';
import { importPackage } from '../../src/provider/importPackage.ts';
import type { SignaturePolicy } from '../../src/provider/signaturePolicy.ts';
import type { ContentStore } from '../../storage/ContentStore.ts';
import { parseMultipartUpload } from '../multipartUpload.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { updateJson } from '../serializers.ts';

/** What the Updates routes need. */
export interface UpdatesRoutesDeps {
  catalog: Catalog;
  content: ContentStore;
  signaturePolicy: SignaturePolicy;
  maxUploadBytes: number;
  maxJsonBytes: number;
  /** Extra per-update fields for the list (e.g. why the plan engine holds an update back). */
  decorate?: (update: Update) => Record<string, unknown>;
}

const listQuery = z.object({
  productLine: z.string().min(1).max(256).optional(),
  application: z.string().min(1).max(256).optional(),
  state: z.enum(UPDATE_STATES).optional(),
  highPriority: z.enum(['true', 'false']).optional(),
});
const changeStateBody = z.object({ state: z.enum(UPDATE_STATES) });
const relatedInstallsBody = z.object({ updateIds: z.array(z.string().min(1).max(128)).max(1000) });

/** The Updates endpoints of API.md under /api/v1/updates. */
export function createUpdatesRouter(deps: UpdatesRoutesDeps): Router {
  const { catalog } = deps;
  const router = new Router({ prefix: '/api/v1/updates' });
  const show = (update: Update) => ({ ...updateJson(update), ...deps.decorate?.(update) });

  router.get('/', (ctx) => {
    const query = listQuery.parse(ctx.query);
    ctx.body = catalog
      .list({
        productLine: query.productLine,
        application: query.application,
        state: query.state,
        highPriority: query.highPriority === undefined ? undefined : query.highPriority === 'true',
      })
      .map(show);
  });

  router.post('/', async (ctx) => {
    const upload = await parseMultipartUpload(ctx, deps.content, deps.maxUploadBytes);
    if (!upload.file) {
      throw new PatchbayError('the upload has no file part', {
        code: 'INVALID_REQUEST',
        details: { field: 'file' },
      });
    }
    if (upload.manifestText === undefined) {
      await upload.file.staged.discard();
      throw new PatchbayError('the upload has no manifest part', {
        code: 'INVALID_REQUEST',
        details: { field: 'manifest' },
      });
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(upload.manifestText);
    } catch {
      await upload.file.staged.discard();
      throw new PatchbayError('the manifest part is not valid JSON', {
        code: 'INVALID_MANIFEST',
        details: { field: 'manifest' },
      });
    }
    const update = await importPackage(catalog, deps.signaturePolicy, {
      manifest,
      staged: upload.file.staged,
      fileName: upload.file.fileName,
      signature: upload.signature,
    });
    ctx.status = 201;
    ctx.set('Location', `/api/v1/updates/${update.id}`);
    ctx.body = show(update);
  });

  router.get('/:id', (ctx) => {
    ctx.body = show(catalog.require(ctx.params.id!));
  });

  router.patch('/:id', async (ctx) => {
    catalog.require(ctx.params.id!);
    const body = changeStateBody.parse(await readJsonBody(ctx, { maxBytes: deps.maxJsonBytes }));
    ctx.body = show(await catalog.changeState(ctx.params.id!, body.state));
  });

  router.put('/:id/high-priority', async (ctx) => {
    ctx.body = show(await catalog.setHighPriority(ctx.params.id!, true));
  });

  router.delete('/:id/high-priority', async (ctx) => {
    ctx.body = show(await catalog.setHighPriority(ctx.params.id!, false));
  });

  router.put('/:id/related-installs', async (ctx) => {
    catalog.require(ctx.params.id!);
    const body = relatedInstallsBody.parse(await readJsonBody(ctx, { maxBytes: deps.maxJsonBytes }));
    ctx.body = show(await catalog.setRelatedInstalls(ctx.params.id!, body.updateIds));
  });

  router.delete('/:id', async (ctx) => {
    await catalog.delete(ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}
