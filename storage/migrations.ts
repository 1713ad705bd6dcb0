import type { Store, StoreOp } from './Store.ts';

/** The schema version this code writes. Bump it and append a migration when record shapes change. */
export const SCHEMA_VERSION = 2;

/** Migration n takes the store from schema n − 1 to n. */
const MIGRATIONS: Array<(store: Store) => Promise<void>> = [
  // 1: the initial layout; nothing to transform.
  async () => {},
  // 2: update activation counts move out of the update records into `updateActivations`, where the
  // events that report installs write them (src/provider/ActivationCounts.ts). A Patchbay that still
  // reads them from the records refuses this store instead of showing stale counts.
  async (store) => {
    const counts = store.sublevel('updateActivations');
    const ops: StoreOp[] = [];
    for await (const [id, record] of store.sublevel('updates').iterator() as AsyncIterable<
      [string, unknown]
    >) {
      const activations = (record as { activations?: unknown }).activations;
      if (typeof activations === 'number')
        ops.push({ type: 'put', sublevel: counts, key: id, value: activations });
    }
    await store.batch(ops);
  },
];

/**
 * Brings the store to {@link SCHEMA_VERSION}, recording the version in `meta/schemaVersion`.
 * A store written by a newer Patchbay is refused rather than misread.
 */
export async function migrate(store: Store): Promise<void> {
  const meta = store.sublevel('meta');
  const current = ((await meta.get('schemaVersion')) as number | undefined) ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the store has schema ${current}; this Patchbay understands up to ${SCHEMA_VERSION}`);
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    await MIGRATIONS[version - 1]!(store);
    await store.batch([{ type: 'put', sublevel: meta, key: 'schemaVersion', value: version }]);
  }
}
