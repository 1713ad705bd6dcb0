import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { FolderImportResult } from '../../src/provider/folderPackageImport.ts';
import type { FolderPackageListing, UpdateFolder, UpdateFolders } from '../../src/provider/UpdateFolders.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { updateJson } from '../serializers.ts';

/** What the folder routes need. */
export interface FoldersRoutesDeps {
  folders: UpdateFolders;
  maxJsonBytes: number;
}

const addBody = z.object({ path: z.string().min(1).max(4096), auto: z.boolean().default(false) });
const patchBody = z.object({ auto: z.boolean() });
const importBody = z.object({ files: z.array(z.string().max(255)).min(1).max(1000) });

/** A folder as the API shows it. */
function folderJson(folder: UpdateFolder): Record<string, unknown> {
  return { id: folder.id, path: folder.path, auto: folder.auto, addedAt: folder.addedAt };
}

function packageJson(listing: FolderPackageListing): Record<string, unknown> {
  return { ...listing };
}

function resultJson(result: FolderImportResult): Record<string, unknown> {
  return result.outcome === 'imported' ? { ...result, update: updateJson(result.update) } : { ...result };
}

/**
 * Update folders under /api/v1/folders (the manual's "Manage Folders" and "Upload Updates" tabs):
 * add `{ path, auto }`, list, get, PATCH `{ auto }`, delete; `GET /:id/packages` lists what a folder
 * holds with each package's status; `POST /:id/import { files }` imports the chosen packages.
 */
export function createFoldersRouter(deps: FoldersRoutesDeps): Router {
  const { folders } = deps;
  const router = new Router({ prefix: '/api/v1/folders' });
  const body = async <T>(ctx: Context, schema: z.ZodType<T>) =>
    schema.parse(await readJsonBody(ctx, { maxBytes: deps.maxJsonBytes }));

  router.get('/', (ctx) => {
    ctx.body = folders.list().map(folderJson);
  });

  router.post('/', async (ctx) => {
    const input = await body(ctx, addBody);
    const folder = await folders.add(input);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/folders/${folder.id}`);
    ctx.body = folderJson(folder);
  });

  router.get('/:id', (ctx) => {
    ctx.body = folderJson(folders.require(ctx.params.id!));
  });

  router.patch('/:id', async (ctx) => {
    folders.require(ctx.params.id!);
    const input = await body(ctx, patchBody);
    ctx.body = folderJson(await folders.setAuto(ctx.params.id!, input.auto));
  });

  router.delete('/:id', async (ctx) => {
    await folders.remove(ctx.params.id!);
    ctx.status = 204;
  });

  router.get('/:id/packages', async (ctx) => {
    const folder = folders.require(ctx.params.id!);
    const { packages, orphans } = await folders.listPackages(folder.id);
    ctx.body = { folder: folderJson(folder), packages: packages.map(packageJson), orphans };
  });

  router.post('/:id/import', async (ctx) => {
    folders.require(ctx.params.id!);
    const input = await body(ctx, importBody);
    const results = await folders.importFiles(ctx.params.id!, input.files);
    ctx.body = { results: results.map(resultJson) };
  });

  return router;
}
