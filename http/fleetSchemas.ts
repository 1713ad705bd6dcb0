import { z } from 'zod';
import { AGENT_EVENT_TYPES } from '../src/domain/agentEvents.ts';
import { GROUP_MODES, INSTALL_DAYS } from '../src/domain/fleet.ts';
import { Version } from '../src/domain/Version.ts';

const id = z.string().min(1).max(128);
const shortText = z.string().trim().min(1).max(256);
const version = z.string().refine(Version.isValid, 'must be a version of the form MM.mm.PP.BB');

/** A group's settings fields (mode, install day and hour) as requests carry them. */
export const settingsSchema = z.object({
  mode: z.enum(GROUP_MODES),
  installDay: z.enum(INSTALL_DAYS),
  installHour: z.int().min(0).max(23),
});

/** One installed application as an agent reports it (API.md). */
export const installedApplicationSchema = z.object({
  upgradeCode: shortText,
  productCode: shortText,
  application: shortText,
  productLine: shortText,
  version,
  updates: z.array(id).max(1000).default([]),
});

/** The body of `POST /agent/v1/checkin`. */
export const checkInSchema = z.object({
  machine: z.object({
    id,
    name: shortText,
    ip: z.string().max(64).optional(),
    agentVersion: z.string().max(64).optional(),
  }),
  settings: settingsSchema,
  installed: z.array(installedApplicationSchema).max(1000),
  status: z
    .object({ restartRequired: z.boolean(), lastError: z.string().max(4096).optional() })
    .default({ restartRequired: false }),
  planEtag: z.string().max(128).optional(),
});

/** The body of `POST /agent/v1/events`. */
export const eventsSchema = z.object({
  machineId: id,
  events: z
    .array(
      z.object({
        /** The agent's sequence number of the event: a resent one (already stored) is dropped. */
        seq: z.int().min(1).optional(),
        type: z.enum(AGENT_EVENT_TYPES),
        updateId: id.optional(),
        at: z.iso.datetime({ offset: true }),
        detail: z.string().max(4096).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

const providerUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** The body of `POST /api/v1/groups`: a name, and settings that default to automatic, every day, 03:00. */
export const createGroupSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes')
    .optional(),
  name: shortText,
  mode: z.enum(GROUP_MODES).default('automatic'),
  installDay: z.enum(INSTALL_DAYS).default('everyday'),
  installHour: z.int().min(0).max(23).default(3),
  providers: z.array(providerUrl).max(32).default([]),
});

/** The body of `PATCH /api/v1/groups/:id`: any of the fields. */
export const patchGroupSchema = z.object({
  name: shortText.optional(),
  mode: z.enum(GROUP_MODES).optional(),
  installDay: z.enum(INSTALL_DAYS).optional(),
  installHour: z.int().min(0).max(23).optional(),
  providers: z.array(providerUrl).max(32).optional(),
});

/** The body of `PUT /api/v1/groups/:id/members`. */
export const membersSchema = z.object({ machineIds: z.array(id).min(1).max(10_000) });

/** The body of `PATCH /api/v1/config`. */
export const configPatchSchema = z.object({
  platformVersions: z.record(shortText, version.nullable()).optional(),
  checkInterval: z
    .object({ minMs: z.int().min(1000), maxMs: z.int().min(1000) })
    .refine((interval) => interval.minMs <= interval.maxMs, {
      path: ['minMs'],
      error: 'must be at most maxMs',
    })
    .optional(),
  staleAfterMs: z.int().min(60_000).optional(),
});
