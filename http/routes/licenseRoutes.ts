import Router from '@koa/router';
import { type License, licenseGate } from '../../src/domain/license.ts';

/**
 * `GET /api/v1/config/license` → `{ licensed: false, updatesAllowed: true }` without a license, or
 * `{ licensed: true, licensee, features, expires?, updatesAllowed, note? }` with one (the note is the
 * report's "license does not allow updates").
 */
export function createLicenseRouter(
  license: License | undefined,
  now: () => Date = () => new Date(),
): Router {
  const router = new Router();
  router.get('/api/v1/config/license', (ctx) => {
    const gate = licenseGate(license, now());
    ctx.body =
      license === undefined
        ? { licensed: false, ...gate }
        : {
            licensed: true,
            licensee: license.licensee,
            features: license.features,
            ...(license.expires === undefined ? {} : { expires: license.expires }),
            ...gate,
          };
  });
  return router;
}
