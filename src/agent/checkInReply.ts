import { z } from 'zod';
import type { CheckInResult } from '../../machines/clientPlan.ts';
import { GROUP_MODES, INSTALL_DAYS } from '../domain/fleet.ts';
import { INSTALL_TYPES } from '../domain/update.ts';

const settingsSchema = z.object({
  mode: z.enum(GROUP_MODES),
  installDay: z.enum(INSTALL_DAYS),
  installHour: z.int().min(0).max(23),
  checkInterval: z.object({ minMs: z.int().min(1), maxMs: z.int().min(1) }),
});

const updateSchema = z.object({
  id: z.string().min(1),
  application: z.string(),
  productLine: z.string(),
  version: z.string(),
  upgradeCode: z.string(),
  productCode: z.string(),
  installType: z.enum(INSTALL_TYPES),
  installProperties: z.record(z.string(), z.string()).default({}),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
  signed: z.boolean().default(false),
  /** Base64 detached Ed25519 signature over the SHA-256 (an addition to API.md's Update). */
  signature: z.string().optional(),
  urls: z.array(z.string().min(1)).default([]),
});

/**
 * The `POST /agent/v1/checkin` reply (API.md), as far as the agent reads it; unknown fields are
 * ignored. `{ unchanged: true }` replies carry no actions.
 */
export const checkInReplySchema = z.object({
  unchanged: z.boolean().optional(),
  planEtag: z.string().optional(),
  group: z.object({ id: z.string(), name: z.string(), locked: z.boolean() }),
  settings: settingsSchema,
  providers: z.array(z.string()).default([]),
  actions: z
    .array(
      z.object({
        kind: z.enum(['install', 'remove']),
        highPriority: z.boolean().default(false),
        update: updateSchema,
      }),
    )
    .optional(),
});

/**
 * Validates a check-in reply and resolves relative content URLs against the provider that sent
 * it (a provider may answer `/content/<sha256>`). When an update names no URL, the provider's own
 * content URL is used.
 *
 * @example parseCheckInReply(JSON.parse(text), 'http://provider:8092')
 */
export function parseCheckInReply(value: unknown, provider: string): CheckInResult {
  const reply = checkInReplySchema.parse(value);
  return {
    ...reply,
    actions: reply.actions?.map((action) => ({
      ...action,
      update: {
        ...action.update,
        urls: (action.update.urls.length > 0 ? action.update.urls : [`/content/${action.update.sha256}`]).map(
          (url) => new URL(url, provider).toString(),
        ),
      },
    })),
  };
}
