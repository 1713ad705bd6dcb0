import type { Update } from '../src/domain/update.ts';

/** An update as the API shows it (API.md), fields picked explicitly so nothing internal leaks. */
export function updateJson(update: Update): Record<string, unknown> {
  return {
    id: update.id,
    application: update.application,
    productLine: update.productLine,
    release: update.release,
    patch: update.patch,
    installType: update.installType,
    version: update.version,
    upgradeCode: update.upgradeCode,
    productCode: update.productCode,
    fileName: update.fileName,
    size: update.size,
    sha256: update.sha256,
    signed: update.signed,
    signature: update.signature,
    state: update.state,
    highPriority: update.highPriority,
    insertedAt: update.insertedAt,
    installProperties: update.installProperties,
    documentationUrl: update.documentationUrl,
    relatedInstalls: update.relatedInstalls,
    activations: update.activations,
  };
}
