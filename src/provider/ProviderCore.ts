import { ContentStore } from '../../storage/ContentStore.ts';
import { Store } from '../../storage/Store.ts';
import { ActorHost, type ActorHostOptions, type ActorKind } from '../runtime/ActorHost.ts';
import { Catalog } from './Catalog.ts';
import { UPDATE_KIND } from './updateKind.ts';

/** Options for {@link openProviderCore}. */
export interface ProviderCoreOptions {
  dataDir: string;
  host?: ActorHostOptions;
  /** fsync every commit batch (default true). */
  sync?: boolean;
  /** More actor kinds to host beside updates (fleet members, …). */
  kinds?: ActorKind[];
}

/**
 * The provider's write buffer: 32 MiB. With LevelDB's 4 MiB, a fleet's check-ins filled one every
 * second or two, and the compactions that followed took CPU the event loop needed
 * on a 2-core machine (fleet bench at 100,000 machines, steady phase: 2,951 → 3,822 check-ins/s).
 */
export const PROVIDER_WRITE_BUFFER_BYTES = 32 * 1024 * 1024;

/** The provider's stateful parts, without HTTP: the store, the actor host, the content store and the catalog. */
export interface ProviderCore {
  dataDir: string;
  store: Store;
  host: ActorHost;
  content: ContentStore;
  catalog: Catalog;
  close(): Promise<void>;
}

/** Opens the store under `dataDir`, starts the actor host and loads the catalog. */
export async function openProviderCore(options: ProviderCoreOptions): Promise<ProviderCore> {
  const store = await Store.open(options.dataDir, {
    sync: options.sync,
    writeBufferBytes: PROVIDER_WRITE_BUFFER_BYTES,
  });
  const content = new ContentStore(options.dataDir);
  await content.open();
  const host = new ActorHost(store, [UPDATE_KIND as ActorKind, ...(options.kinds ?? [])], options.host);
  await host.start();
  const catalog = new Catalog(store, host, content);
  await catalog.load();
  return {
    dataDir: options.dataDir,
    store,
    host,
    content,
    catalog,
    async close() {
      await host.close();
      await store.close();
    },
  };
}
