import type { AnyStateMachine } from 'xstate';
import { clientMachine } from '../../machines/clientMachine.ts';
import { download } from '../../machines/download.ts';
import { install } from '../../machines/install.ts';
import { updateLifecycle } from '../../machines/updateLifecycle.ts';

/**
 * Every machine Patchbay runs, by the name `patchbay visualize <name>` and `/debug` use.
 * The key is also the actor kind the runtime host files actors under.
 *
 * Adding a machine: import it from `machines/` and add one line here. The visualizer, the CLI
 * and `/debug/machines` draw any XState v5 machine (nested and parallel states, guards, `after`
 * delays, invoked actors, final and history states) without further changes.
 *
 * @example MACHINES['updateLifecycle'] // the update lifecycle machine
 */
export const MACHINES: Record<string, AnyStateMachine> = {
  updateLifecycle,
  clientMachine,
  download,
  install,
};
