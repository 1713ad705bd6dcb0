import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MARK_EVENT_FOR_STATE, readUpdateLifecycle } from '../../machines/updateLifecycle.ts';
import type { ContentStore, StagedContent } from '../../storage/ContentStore.ts';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store, StoreOp } from '../../storage/Store.ts';
import { PatchbayError } from '../domain/PatchbayError.ts';
import type { Update, UpdateManifest, UpdateState } from '../domain/update.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';
import { Mailboxes } from '../runtime/Mailbox.ts';
import { ActivationCounts } from './ActivationCounts.ts';

/** Filters of the Updates list (API.md). */
export interface UpdateFilters {
  productLine?: string;
  application?: string;
  state?: UpdateState;
  highPriority?: boolean;
}

/** What changed in the catalog, for the activity log and the catalog index. */
export interface CatalogChange {
  type: 'added' | 'state' | 'highPriority' | 'relatedInstalls' | 'deleted' | 'activated';
  update: Update;
  previous?: Update;
  at: string;
}

/**
 * One activation counted in a caller's commit (see {@link Catalog.activationOp}). Queue `op` in the
 * same synchronous stretch as the call that made it: ops of one update must reach the store in the
 * order they were made.
 */
export interface PendingActivation {
  /** Stores the update's activation count with this activation (and the others queued before it). */
  op: StoreOp;
  /** Call once the commit carrying `op` is done (true) or failed (false). */
  settle(committed: boolean): void;
}

/**
 * The update catalog. Each update is an `update` actor (its lifecycle) plus a record in the
 * `updates` sublevel that is projected from it and committed in the same batch. All changes to one
 * update run one at a time, and the in-memory view changes only after the commit, so every read
 * shows acknowledged state. Activation counts are the exception to running one at a time: they
 * ride in the commits of the events that report them ({@link ActivationCounts}). Listens: `change`
 * (CatalogChange).
 */
export class Catalog extends EventEmitter<{ change: [CatalogChange] }> {
  readonly records: RecordRepository<Update>;
  readonly #host: ActorHost;
  readonly #content: ContentStore;
  readonly #updates = new Map<string, Update>();
  readonly #serial = new Mailboxes();
  readonly #activations: ActivationCounts;
  readonly #now: () => Date;

  constructor(store: Store, host: ActorHost, content: ContentStore, now: () => Date = () => new Date()) {
    super();
    this.records = new RecordRepository<Update>(store, 'updates');
    this.#activations = new ActivationCounts(store, host);
    this.#host = host;
    this.#content = content;
    this.#now = now;
  }

  /** Loads every record into memory, oldest first, with its activation count. */
  async load(): Promise<void> {
    const all = await this.records.all();
    const counts = await this.#activations.load();
    all.sort((a, b) => a.insertedAt.localeCompare(b.insertedAt) || a.id.localeCompare(b.id));
    this.#updates.clear();
    for (const update of all) {
      const activations = counts.get(update.id);
      this.#updates.set(update.id, activations === undefined ? update : { ...update, activations });
    }
  }

  /** Every update matching `filters`, oldest first. */
  list(filters: UpdateFilters = {}): Update[] {
    const found: Update[] = [];
    for (const update of this.#updates.values()) {
      if (filters.productLine !== undefined && update.productLine !== filters.productLine) continue;
      if (filters.application !== undefined && update.application !== filters.application) continue;
      if (filters.state !== undefined && update.state !== filters.state) continue;
      if (filters.highPriority !== undefined && update.highPriority !== filters.highPriority) continue;
      found.push(update);
    }
    return found;
  }

  /** The update with `id`, or undefined. */
  get(id: string): Update | undefined {
    return this.#updates.get(id);
  }

  /** The update with `id`; throws UPDATE_NOT_FOUND. */
  require(id: string): Update {
    const update = this.#updates.get(id);
    if (!update) throw new PatchbayError(`no update ${id}`, { code: 'UPDATE_NOT_FOUND', details: { id } });
    return update;
  }

  /** The update already holding the same bytes as the same product version, if any. */
  findDuplicate(
    sha256: string,
    manifest: Pick<UpdateManifest, 'upgradeCode' | 'version'>,
  ): Update | undefined {
    for (const update of this.#updates.values()) {
      if (
        update.sha256 === sha256 &&
        update.upgradeCode === manifest.upgradeCode &&
        update.version === manifest.version
      ) {
        return update;
      }
    }
    return undefined;
  }

  /**
   * Adds a package to the catalog in PreApproval: the content is moved into the store first, then the
   * record and the actor's first snapshot are committed together. Throws UPDATE_DUPLICATE (with the
   * existing id) when the same bytes are already in the catalog as the same product version.
   */
  async add(
    manifest: UpdateManifest,
    staged: StagedContent,
    fileName: string,
    signed: boolean,
    signature?: string,
  ): Promise<Update> {
    const duplicate = this.findDuplicate(staged.sha256, manifest);
    if (duplicate) {
      await staged.discard();
      throw new PatchbayError(`this package is already in the catalog as ${duplicate.id}`, {
        code: 'UPDATE_DUPLICATE',
        details: { id: duplicate.id },
      });
    }
    await staged.commit();
    const id = randomUUID();
    const { sha256: _declared, ...described } = manifest;
    const update: Update = {
      ...described,
      installProperties: manifest.installProperties ?? {},
      id,
      fileName,
      size: staged.size,
      sha256: staged.sha256,
      signed,
      ...(signature === undefined ? {} : { signature }),
      state: 'PreApproval',
      highPriority: false,
      insertedAt: this.#now().toISOString(),
      relatedInstalls: [],
      activations: 0,
    };
    await this.#serial.run(id, async () => {
      await this.#host.create('update', id, { updateId: id }, () => [this.records.putOp(id, update)]);
      this.#updates.set(id, update);
    });
    this.#emitChange('added', update);
    return update;
  }

  /** Moves an update to `state`; a move the lifecycle refuses is UPDATE_INVALID_TRANSITION. */
  changeState(id: string, state: UpdateState): Promise<Update> {
    return this.#lifecycle(id, 'state', { type: MARK_EVENT_FOR_STATE[state] }, true);
  }

  /** Marks (or unmarks) an update High Priority; marking twice is harmless. */
  setHighPriority(id: string, highPriority: boolean): Promise<Update> {
    return this.#lifecycle(
      id,
      'highPriority',
      { type: highPriority ? 'SET_HIGH_PRIORITY' : 'CLEAR_HIGH_PRIORITY' },
      false,
    );
  }

  /**
   * Sets the related installs of an update: ids of Install updates of other products that are pushed
   * along with it. Unknown ids are UPDATE_NOT_FOUND; ids that are not another product's Install are
   * INVALID_REQUEST.
   */
  setRelatedInstalls(id: string, updateIds: string[]): Promise<Update> {
    return this.#serial.run(id, async () => {
      const previous = this.require(id);
      const unique = [...new Set(updateIds)];
      for (const relatedId of unique) {
        const related = this.require(relatedId);
        if (related.installType !== 'Install' || related.upgradeCode === previous.upgradeCode) {
          throw new PatchbayError(`related install ${relatedId} must be the Install of another product`, {
            code: 'INVALID_REQUEST',
            details: { field: 'updateIds', id: relatedId },
          });
        }
      }
      const written = { ...previous, relatedInstalls: unique };
      await this.#host.write([this.records.putOp(id, written)]);
      const update = this.#settleRecord(written);
      this.#emitChange('relatedInstalls', update, previous);
      return update;
    });
  }

  /**
   * Counts one more activation of update `id` (a machine reported it installed) in the caller's own
   * commit: the op stores the new count, and `settle` brings the count in memory along once that
   * commit is done. Undefined (nothing counted) for an update not in the catalog.
   *
   * @example const activation = catalog.activationOp(id); await host.write([...ops, activation.op]); activation.settle(true)
   */
  activationOp(id: string): PendingActivation | undefined {
    const current = this.#updates.get(id);
    if (current === undefined) return undefined;
    const queued = this.#activations.queue(id, current.activations, () => this.#updates.get(id)?.activations);
    let settled = false;
    return {
      op: queued.op,
      settle: (committed) => {
        if (settled) return;
        settled = true;
        const previous = this.#updates.get(id);
        const update =
          committed && previous !== undefined
            ? { ...previous, activations: previous.activations + 1 }
            : undefined;
        // Memory first: a count written again after a failed commit is taken from it.
        if (update !== undefined) this.#updates.set(id, update);
        queued.settle(committed);
        if (update !== undefined) this.#emitChange('activated', update, previous);
      },
    };
  }

  /**
   * Deletes an update: UPDATE_IN_USE while it is GA or Remove. Its content file is freed once no
   * other update references the same hash, and other updates stop naming it as a related install.
   */
  async delete(id: string): Promise<Update> {
    const deleted = await this.#serial.run(id, async () => {
      const update = this.require(id);
      if (update.state === 'GA' || update.state === 'Remove') {
        throw new PatchbayError(`update ${id} is ${update.state}; mark it Inactive before deleting it`, {
          code: 'UPDATE_IN_USE',
          details: { id, state: update.state },
        });
      }
      await this.#host.send(
        'update',
        id,
        { type: 'DELETE', at: this.#now().toISOString() },
        { requireAccepted: true },
      );
      // An activation still on its way may store a count after this: load ignores a count
      // without its record, and ids are never reused.
      await this.#host.remove('update', id, [this.records.delOp(id), this.#activations.delOp(id)]);
      this.#updates.delete(id);
      return update;
    });
    this.#emitChange('deleted', deleted);
    for (const other of [...this.#updates.values()]) {
      if (other.relatedInstalls.includes(id)) {
        await this.setRelatedInstalls(
          other.id,
          other.relatedInstalls.filter((relatedId) => relatedId !== id),
        ).catch(() => {});
      }
    }
    if (![...this.#updates.values()].some((other) => other.sha256 === deleted.sha256)) {
      await this.#content.remove(deleted.sha256);
    }
    return deleted;
  }

  async #lifecycle(
    id: string,
    type: 'state' | 'highPriority',
    event: { type: string },
    requireAccepted: boolean,
  ): Promise<Update> {
    const { update, previous } = await this.#serial.run(id, async () => {
      const previous = this.require(id);
      let next: Update | undefined;
      await this.#host.send('update', id, { ...event, at: this.#now().toISOString() } as never, {
        requireAccepted,
        alsoWrite: (snapshot, before) => {
          if (snapshot === before) return [];
          const read = readUpdateLifecycle(snapshot.value);
          if (read === 'deleted') return [];
          next = { ...previous, state: read.state, highPriority: read.highPriority };
          return [this.records.putOp(id, next)];
        },
      });
      return { update: next === undefined ? undefined : this.#settleRecord(next), previous };
    });
    if (update === undefined) return this.require(id);
    this.#emitChange(type, update, previous);
    return update;
  }

  /**
   * Puts a record that was just committed into memory, with the activation count memory has now:
   * activations committed while it was written are not taken back.
   */
  #settleRecord(written: Update): Update {
    const current = this.#updates.get(written.id);
    const update = current === undefined ? written : { ...written, activations: current.activations };
    this.#updates.set(written.id, update);
    return update;
  }

  #emitChange(type: CatalogChange['type'], update: Update, previous?: Update): void {
    this.emit('change', { type, update, previous, at: this.#now().toISOString() });
  }
}
