import type { AnyStateMachine } from 'xstate';
import type { ActorHost } from './ActorHost.ts';
import type { ActorInspector, ActorSummary, ActorView } from './actorInspector.ts';

/**
 * The ActorInspector of an ActorHost: live actors from memory, persisted ones from the snapshot
 * store (by id prefix, so a search stays an index range even with a large fleet), records from
 * the host's inspection ring buffer.
 *
 * @example createDebugRouter({ machines: hostMachines(host), inspector: createHostInspector(host) })
 */
export function createHostInspector(host: ActorHost): ActorInspector {
  const kindNames = () => host.kinds.map((kind) => kind.name);
  return {
    async listActors({ kind, search, limit = 100 }) {
      const kinds = kind === undefined ? kindNames() : kindNames().filter((name) => name === kind);
      const matches = (id: string) => search === undefined || id.startsWith(search);
      const found: ActorSummary[] = [];
      const liveKeys = new Set<string>();
      for (const name of kinds) {
        for (const id of host.liveIds(name).filter(matches).sort()) {
          found.push({ kind: name, id, live: true });
          liveKeys.add(`${name}/${id}`);
        }
      }
      for (const name of kinds) {
        if (found.length >= limit) break;
        // Enough ids to fill the page even when some of them are live and listed already.
        for (const id of await host.snapshots.ids(name, { prefix: search, limit: limit + liveKeys.size })) {
          if (!liveKeys.has(`${name}/${id}`)) found.push({ kind: name, id, live: false });
        }
      }
      return found.slice(0, limit);
    },
    async getActor(kind, id) {
      if (!kindNames().includes(kind)) return undefined;
      const snapshot = await host.peek(kind, id);
      if (!snapshot) return undefined;
      return {
        kind,
        id,
        value: snapshot.value as ActorView['value'],
        context: snapshot.context,
        status: snapshot.status,
      };
    },
    recentEvents: (kind, id, limit) => host.inspection.recent(kind, id, limit),
    subscribe: (listener) => host.inspection.subscribe(listener),
  };
}

/**
 * The machine of every actor kind a host runs, keyed by kind name: what `/debug` draws for it.
 *
 * @example hostMachines(host) // { update: updateLifecycle }
 */
export function hostMachines(host: ActorHost): Record<string, AnyStateMachine> {
  return Object.fromEntries(host.kinds.map((kind) => [kind.name, kind.logic]));
}
