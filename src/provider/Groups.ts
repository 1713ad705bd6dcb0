import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store } from '../../storage/Store.ts';
import type { Group } from '../domain/fleet.ts';
import { DEFAULT_GROUP_ID } from '../domain/machineSettings.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';
import { Mailboxes } from '../runtime/Mailbox.ts';

/** The fields an admin may set on a group. */
export type GroupFields = Pick<Group, 'name' | 'mode' | 'installDay' | 'installHour' | 'providers'>;

/** What changed about a group, for the activity log and the check-in caches. */
export interface GroupChange {
  type: 'created' | 'changed' | 'deleted';
  group: Group;
  previous?: Group;
  at: string;
}

/** The default group of a new provider: the manual's recommended automatic mode, every day at 03:00. */
export const DEFAULT_GROUP: Group = {
  id: DEFAULT_GROUP_ID,
  name: 'Default',
  mode: 'automatic',
  installDay: 'everyday',
  installHour: 3,
  providers: [],
};

/**
 * The groups (API.md "Groups"), kept in memory and persisted in the `groups` sublevel. The default
 * group always exists and cannot be deleted (GROUP_PROTECTED); names are unique (GROUP_EXISTS).
 * Membership lives with the machines (see Fleet). `version(id)` grows on every change so the
 * check-in notices new settings. Emits `change` (GroupChange).
 */
export class Groups extends EventEmitter<{ change: [GroupChange] }> {
  readonly records: RecordRepository<Group>;
  readonly #host: ActorHost;
  readonly #groups = new Map<string, Group>();
  readonly #versions = new Map<string, number>();
  readonly #now: () => Date;
  readonly #serial = new Mailboxes();
  #nextVersion = 1;

  constructor(store: Store, host: ActorHost, now: () => Date = () => new Date()) {
    super();
    this.records = new RecordRepository<Group>(store, 'groups');
    this.#host = host;
    this.#now = now;
  }

  /** Loads every group, creating the default group on a new provider. */
  async load(): Promise<void> {
    this.#groups.clear();
    for (const group of await this.records.all()) this.#remember(group);
    if (!this.#groups.has(DEFAULT_GROUP_ID)) {
      await this.#host.write([this.records.putOp(DEFAULT_GROUP_ID, DEFAULT_GROUP)]);
      this.#remember(DEFAULT_GROUP);
    }
  }

  /** Every group, the default group first, then by name. */
  list(): Group[] {
    return [...this.#groups.values()].sort(
      (a, b) =>
        Number(b.id === DEFAULT_GROUP_ID) - Number(a.id === DEFAULT_GROUP_ID) || a.name.localeCompare(b.name),
    );
  }

  /** The group with `id`, or undefined. */
  get(id: string): Group | undefined {
    return this.#groups.get(id);
  }

  /** The group with `id`; throws GROUP_NOT_FOUND. */
  require(id: string): Group {
    const group = this.#groups.get(id);
    if (!group) throw new PatchbayError(`no group ${id}`, { code: 'GROUP_NOT_FOUND', details: { id } });
    return group;
  }

  /** The default group. */
  get defaultGroup(): Group {
    return this.#groups.get(DEFAULT_GROUP_ID) ?? DEFAULT_GROUP;
  }

  /** A number that changes whenever group `id` changes (0 for an unknown group). */
  version(id: string): number {
    return this.#versions.get(id) ?? 0;
  }

  /** Creates a group; its id is `id` when given, else a slug of the name (or a UUID when taken). */
  create(fields: GroupFields & { id?: string }): Promise<Group> {
    // Changes run one at a time so two admins cannot both take a free name.
    return this.#serial.run('groups', () => this.#create(fields));
  }

  async #create(fields: GroupFields & { id?: string }): Promise<Group> {
    this.#assertNameFree(fields.name);
    let id = fields.id ?? slug(fields.name);
    if (fields.id !== undefined && this.#groups.has(id)) {
      throw new PatchbayError(`a group with id ${id} already exists`, {
        code: 'GROUP_EXISTS',
        details: { id },
      });
    }
    if (id === '' || this.#groups.has(id)) id = randomUUID();
    const group: Group = {
      id,
      name: fields.name,
      mode: fields.mode,
      installDay: fields.installDay,
      installHour: fields.installHour,
      providers: [...fields.providers],
    };
    await this.#host.write([this.records.putOp(id, group)]);
    this.#remember(group);
    this.#emit('created', group);
    return group;
  }

  /** Changes name and/or settings of a group (the default group included). */
  update(id: string, patch: Partial<GroupFields>): Promise<Group> {
    return this.#serial.run('groups', () => this.#update(id, patch));
  }

  async #update(id: string, patch: Partial<GroupFields>): Promise<Group> {
    const previous = this.require(id);
    if (patch.name !== undefined && patch.name !== previous.name) this.#assertNameFree(patch.name);
    const group: Group = { ...previous, ...definedOnly(patch), id };
    await this.#host.write([this.records.putOp(id, group)]);
    this.#remember(group);
    this.#emit('changed', group, previous);
    return group;
  }

  /** Forgets group `id` (callers move its members to default first); the default group is GROUP_PROTECTED. */
  delete(id: string): Promise<Group> {
    return this.#serial.run('groups', () => this.#delete(id));
  }

  async #delete(id: string): Promise<Group> {
    if (id === DEFAULT_GROUP_ID) {
      throw new PatchbayError('the default group cannot be deleted', {
        code: 'GROUP_PROTECTED',
        details: { id },
      });
    }
    const group = this.require(id);
    await this.#host.write([this.records.delOp(id)]);
    this.#groups.delete(id);
    this.#versions.set(id, this.#nextVersion++);
    this.#emit('deleted', group);
    return group;
  }

  #assertNameFree(name: string): void {
    for (const group of this.#groups.values()) {
      if (group.name.toLowerCase() === name.toLowerCase()) {
        throw new PatchbayError(`a group named ${name} already exists`, {
          code: 'GROUP_EXISTS',
          details: { id: group.id, name },
        });
      }
    }
  }

  #remember(group: Group): void {
    this.#groups.set(group.id, group);
    this.#versions.set(group.id, this.#nextVersion++);
  }

  #emit(type: GroupChange['type'], group: Group, previous?: Group): void {
    this.emit('change', { type, group, previous, at: this.#now().toISOString() });
  }
}

/** "North Region" → "north-region". */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
