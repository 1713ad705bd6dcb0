import type { JsonSublevel, Store, StoreOp } from '../../storage/Store.ts';

/** What the name index holds per machine: enough to list without reading snapshots twice. */
export interface MachineIndexValue {
  id: string;
  name: string;
  groupId: string;
}

/** A machine's identity as the indexes see it. */
export interface IndexedIdentity {
  id: string;
  name: string;
  groupId: string;
}

const SEPARATOR = '\u0000';

/**
 * The two machine indexes, written in the same batch as the machine's snapshot (through the actor
 * host's `alsoWrite`), so they never disagree with it:
 * - `machinesByName`: `<lower-case name>\0<id>` — the Machines list, sorted by name, prefix search;
 * - `groupMembers`: `<groupId>\0<lower-case name>\0<id>` — one group's members by name, and what a
 *   group deletion moves.
 *
 * @example alsoWrite: (snapshot, previous) => index.moveOps(identityOf(previous), identityOf(snapshot))
 */
export class MachineIndex {
  readonly byName: JsonSublevel;
  readonly byGroup: JsonSublevel;

  constructor(store: Store) {
    this.byName = store.sublevel('machinesByName');
    this.byGroup = store.sublevel('groupMembers');
  }

  /** The ops that move a machine's index entries from `before` (undefined: not indexed yet) to `after`. */
  moveOps(before: IndexedIdentity | undefined, after: IndexedIdentity): StoreOp[] {
    if (before && before.name === after.name && before.groupId === after.groupId) return [];
    const ops: StoreOp[] = [];
    if (before) {
      ops.push({ type: 'del', sublevel: this.byName, key: nameKey(before) });
      ops.push({ type: 'del', sublevel: this.byGroup, key: groupKey(before) });
    }
    const value: MachineIndexValue = { id: after.id, name: after.name, groupId: after.groupId };
    ops.push({ type: 'put', sublevel: this.byName, key: nameKey(after), value });
    ops.push({ type: 'put', sublevel: this.byGroup, key: groupKey(after), value });
    return ops;
  }

  /**
   * One page of machines sorted by name: within `groupId` when given, names starting with `search`
   * (case-insensitive) when given, after `cursor` (the key the previous page ended on).
   */
  async page(options: {
    search?: string;
    groupId?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ machines: MachineIndexValue[]; nextCursor?: string }> {
    const sublevel = options.groupId === undefined ? this.byName : this.byGroup;
    const base = options.groupId === undefined ? '' : `${options.groupId}${SEPARATOR}`;
    const prefix = `${base}${(options.search ?? '').toLowerCase()}`;
    const range: Record<string, unknown> = { lt: `${prefix}\uffff`, limit: options.limit + 1 };
    if (options.cursor !== undefined && options.cursor >= prefix) range.gt = options.cursor;
    else range.gte = prefix;
    const machines: MachineIndexValue[] = [];
    const keys: string[] = [];
    for await (const [key, value] of sublevel.iterator(range as never) as AsyncIterable<
      [string, MachineIndexValue]
    >) {
      keys.push(key);
      machines.push(value);
    }
    if (machines.length <= options.limit) return { machines };
    machines.pop();
    return { machines, nextCursor: keys[options.limit - 1] };
  }

  /** Ids of every member of `groupId`, by name. */
  async memberIds(groupId: string): Promise<string[]> {
    const prefix = `${groupId}${SEPARATOR}`;
    const ids: string[] = [];
    for await (const value of this.byGroup.values({
      gte: prefix,
      lt: `${prefix}\uffff`,
    } as never) as AsyncIterable<MachineIndexValue>) {
      ids.push(value.id);
    }
    return ids;
  }

  /** How many machines are in `groupId`. */
  async memberCount(groupId: string): Promise<number> {
    const prefix = `${groupId}${SEPARATOR}`;
    let count = 0;
    for await (const _ of this.byGroup.keys({
      gte: prefix,
      lt: `${prefix}\uffff`,
    } as never) as AsyncIterable<string>)
      count++;
    return count;
  }
}

function nameKey(identity: IndexedIdentity): string {
  return `${identity.name.toLowerCase()}${SEPARATOR}${identity.id}`;
}

function groupKey(identity: IndexedIdentity): string {
  return `${identity.groupId}${SEPARATOR}${nameKey(identity)}`;
}
