import Router from '@koa/router';
import { z } from 'zod';
import { PatchbayError } from '../../src/domain/PatchbayError.ts';
import type { AgentIdentity } from '../../src/provider/agentIdentity.ts';

const idParam = z.string().min(1).max(256);

/**
 * `DELETE /api/v1/machines/:id/credentials` → 204: forgets an enrolled machine's secret so its
 * agent (reinstalled, or having lost its secret) may enroll again with the enrollment key.
 * 404 MACHINE_NOT_FOUND when the id never enrolled.
 */
export function createMachineCredentialsRouter(identity: AgentIdentity): Router {
  const router = new Router();
  router.delete('/api/v1/machines/:id/credentials', async (ctx) => {
    const id = idParam.parse(ctx.params.id);
    if (!(await identity.forget(id))) {
      throw new PatchbayError(`machine ${id} has not enrolled`, {
        code: 'MACHINE_NOT_FOUND',
        details: { id },
      });
    }
    ctx.status = 204;
  });
  return router;
}
