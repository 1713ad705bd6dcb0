import { join } from 'node:path';
import type { InstallerConfig } from '../config.ts';
import type { Inventory } from '../inventory.ts';
import { ArchiveInstaller } from './archiveInstaller.ts';
import { CommandInstaller } from './commandInstaller.ts';
import type { Installer } from './Installer.ts';

/**
 * The installer the config asks for: `archive` (apps under `appsDir`, default `<data>/apps`) or
 * `command` (configured install/uninstall commands).
 *
 * @example const installer = createInstaller(config.installer, { dataDir, inventory })
 */
export function createInstaller(
  config: InstallerConfig,
  deps: { dataDir: string; inventory: Inventory },
): Installer {
  if (config.type === 'archive') {
    return new ArchiveInstaller({
      appsDir: config.appsDir ?? join(deps.dataDir, 'apps'),
      inventory: deps.inventory,
    });
  }
  return new CommandInstaller({ ...config, inventory: deps.inventory });
}

/** The install log of an update: `<data>/logs/<updateId>.log`. */
export function installLogPath(dataDir: string, updateId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(updateId) || updateId.startsWith('.')) {
    throw new TypeError(`Expected an update id usable as a file name, got \`${updateId}\``);
  }
  return join(dataDir, 'logs', `${updateId}.log`);
}
