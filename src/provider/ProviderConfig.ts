import { EventEmitter } from 'node:events';
import { RecordRepository } from '../../storage/RecordRepository.ts';
import type { Store } from '../../storage/Store.ts';
import type { LicenseGate } from '../domain/license.ts';
import type { PlanPolicy } from '../domain/planPolicy.ts';
import type { ActorHost } from '../runtime/ActorHost.ts';

/**
 * The provider's own settings (API.md `GET/PATCH /api/v1/config`). The Security issue adds
 * authorized users and the discovery key beside these.
 *
 * @example { platformVersions: { CIC: '15.02.00.00' }, checkInterval: { minMs: 1800000, maxMs: 3600000 }, staleAfterMs: 86400000 }
 */
export interface ProviderSettings {
  /** The platform (server) version per product line: newer updates are held back. */
  platformVersions: Record<string, string>;
  /** How often agents check in: a random delay in [minMs, maxMs] (the manual's 30–60 minutes). */
  checkInterval: { minMs: number; maxMs: number };
  /** A machine not heard from for this long is ErrorState in the report ("not contacted since …"). */
  staleAfterMs: number;
}

/** A change to the settings: platform versions merge (null removes one); other keys replace. */
export interface ProviderSettingsPatch {
  platformVersions?: Record<string, string | null>;
  checkInterval?: { minMs: number; maxMs: number };
  staleAfterMs?: number;
}

/** The defaults of a new provider. */
export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  platformVersions: {},
  checkInterval: { minMs: 30 * 60_000, maxMs: 60 * 60_000 },
  staleAfterMs: 24 * 60 * 60_000,
};

const KEY = 'provider';

/**
 * The provider settings, kept in memory and persisted in the `config` sublevel. `version` grows on
 * every change so caches keyed by it (the check-in's plan inputs) notice. Emits `change`.
 */
export class ProviderConfig extends EventEmitter<{ change: [ProviderSettings, ProviderSettings] }> {
  readonly records: RecordRepository<ProviderSettings>;
  readonly #host: ActorHost;
  #settings: ProviderSettings = DEFAULT_PROVIDER_SETTINGS;
  #policy: PlanPolicy = { platformVersions: {} };
  #gate: LicenseGate = { updatesAllowed: true };
  #version = 0;

  constructor(store: Store, host: ActorHost) {
    super();
    this.records = new RecordRepository<ProviderSettings>(store, 'config');
    this.#host = host;
  }

  /** Loads the stored settings (defaults fill what is missing). */
  async load(): Promise<void> {
    const stored = await this.records.get(KEY);
    this.#set({ ...DEFAULT_PROVIDER_SETTINGS, ...stored });
  }

  /** The current settings. */
  get settings(): ProviderSettings {
    return this.#settings;
  }

  /** Grows on every change. */
  get version(): number {
    return this.#version;
  }

  /** The plan policy the settings (and the license gate) imply. */
  get policy(): PlanPolicy {
    return this.#policy;
  }

  /** The report note when the license withholds installs ("license does not allow updates"), else undefined. */
  get licenseNote(): string | undefined {
    return this.#gate.note;
  }

  /**
   * Applies the license gate (src/domain/license.ts): when it withholds updates, plans offer no
   * installs. Bumps `version` on a change so cached check-in plans are recomputed.
   */
  setLicenseGate(gate: LicenseGate): void {
    if (gate.updatesAllowed === this.#gate.updatesAllowed && gate.note === this.#gate.note) return;
    this.#gate = gate;
    this.#set(this.#settings);
  }

  /** Applies `patch`, persists it, and resolves with the new settings. */
  async update(patch: ProviderSettingsPatch): Promise<ProviderSettings> {
    const previous = this.#settings;
    const platformVersions = { ...previous.platformVersions };
    for (const [line, version] of Object.entries(patch.platformVersions ?? {})) {
      if (version === null) delete platformVersions[line];
      else platformVersions[line] = version;
    }
    const next: ProviderSettings = {
      platformVersions,
      checkInterval: patch.checkInterval ?? previous.checkInterval,
      staleAfterMs: patch.staleAfterMs ?? previous.staleAfterMs,
    };
    await this.#host.write([this.records.putOp(KEY, next)]);
    this.#set(next);
    this.emit('change', next, previous);
    return next;
  }

  #set(settings: ProviderSettings): void {
    this.#settings = settings;
    this.#policy = { platformVersions: settings.platformVersions, updatesAllowed: this.#gate.updatesAllowed };
    this.#version++;
  }
}
