import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { InstallPackage } from '../../src/agent/installers/Installer.ts';
import { Inventory } from '../../src/agent/inventory.ts';

function pkg(updateId: string, version: string, installType: InstallPackage['installType']): InstallPackage {
  return {
    updateId,
    application: 'Desk App',
    productLine: 'CIC',
    version,
    upgradeCode: 'UC',
    productCode: `PC-${version}`,
    installType,
    installProperties: {},
  };
}

async function fresh() {
  const file = join(await mkdtemp(join(tmpdir(), 'pb-inv-')), 'inventory.json');
  return { file, inventory: await Inventory.open(file) };
}

const inventory = suite('Inventory');

inventory('a release install creates the application with its update', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  assert.equal(inventory.list(), [
    {
      upgradeCode: 'UC',
      productCode: 'PC-15.01.00.00',
      application: 'Desk App',
      productLine: 'CIC',
      version: '15.01.00.00',
      updates: ['r1'],
    },
  ]);
});

inventory('a patch adds its id and moves the version', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  await inventory.recordInstall(pkg('p2', '15.01.02.00', 'Patch'));
  assert.equal(inventory.get('UC')?.updates, ['r1', 'p2']);
  assert.is(inventory.get('UC')?.version, '15.01.02.00');
});

inventory('it survives a reopen (written to disk)', async () => {
  const { file, inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  const again = await Inventory.open(file);
  assert.equal(again.list(), inventory.list());
  assert.not.match(await readFile(file, 'utf8'), /\.tmp/);
});

inventory('removing the newest patch rolls back to the state before it', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  await inventory.recordInstall(pkg('p2', '15.01.02.00', 'Patch'));
  const plan = await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'p2' });
  assert.is(plan?.rollbackTo?.version, '15.01.00.00');
  assert.equal(plan?.droppedVersions, ['15.01.02.00']);
  assert.equal(inventory.get('UC')?.updates, ['r1']);
  assert.is(inventory.get('UC')?.version, '15.01.00.00');
});

inventory('removing an older patch also drops the newer ones on top of it', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  await inventory.recordInstall(pkg('p2', '15.01.02.00', 'Patch'));
  await inventory.recordInstall(pkg('p3', '15.01.03.00', 'Patch'));
  const plan = await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'p2' });
  assert.equal(plan?.droppedVersions, ['15.01.02.00', '15.01.03.00']);
  assert.equal(inventory.get('UC')?.updates, ['r1']);
});

inventory('a second removal after a rollback keeps walking back', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  await inventory.recordInstall(pkg('p2', '15.01.02.00', 'Patch'));
  await inventory.recordInstall(pkg('p3', '15.01.03.00', 'Patch'));
  await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'p3' });
  await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'p2' });
  assert.equal(inventory.get('UC')?.updates, ['r1']);
  assert.is(inventory.get('UC')?.version, '15.01.00.00');
});

inventory('removing the only release leaves nothing installed', async () => {
  const { inventory } = await fresh();
  await inventory.recordInstall(pkg('r1', '15.01.00.00', 'Install'));
  const plan = await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'r1' });
  assert.is(plan?.rollbackTo, undefined);
  assert.equal(inventory.list(), []);
});

inventory('removing an update that is not installed is undefined', async () => {
  const { inventory } = await fresh();
  assert.is(await inventory.recordRemoval({ upgradeCode: 'UC', updateId: 'nope' }), undefined);
});

inventory.run();
