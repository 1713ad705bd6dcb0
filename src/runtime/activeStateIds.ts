import type { StateValue } from 'xstate';
import type { MachineGraph } from './machineGraph.ts';

/**
 * The ids of every state node a snapshot value puts the machine in: the root, each compound and
 * parallel ancestor, and the atomic leaves. Keys the graph does not know are skipped, so a value
 * from an older machine version still highlights what still exists.
 *
 * @example activeStateIds(graph, { catalog: { state: 'GA', priority: 'normal' } })
 * // ['updateLifecycle', 'updateLifecycle.catalog', 'updateLifecycle.catalog.state', 'updateLifecycle.catalog.state.GA', …]
 */
export function activeStateIds(graph: MachineGraph, value: StateValue): string[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const childByKey = (parentId: string, key: string): string | undefined =>
    byId.get(parentId)?.childIds.find((childId) => byId.get(childId)?.key === key);
  const active: string[] = [graph.rootId];
  const walk = (parentId: string, stateValue: StateValue): void => {
    if (typeof stateValue === 'string') {
      const childId = childByKey(parentId, stateValue);
      if (childId !== undefined) active.push(childId);
      return;
    }
    for (const [key, inner] of Object.entries(stateValue)) {
      const childId = childByKey(parentId, key);
      if (childId === undefined) continue;
      active.push(childId);
      if (inner !== undefined) walk(childId, inner);
    }
  };
  walk(graph.rootId, value);
  return active;
}
