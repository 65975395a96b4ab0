import { toFieldIssues } from '@boucle/shared/schemas';
import express from 'express';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { syncHealth } from '../health/summary.ts';
import type { Crm, Store } from '../store/store.ts';
import { SYNC_OUTCOMES, type SyncLogLine } from '../store/syncLog.ts';

const RELATIVE = /^(\d{1,6})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `GET /v1/sync-log`'s query. `since`: an ISO 8601 instant, or a time back from now (`90m`,
 * `24h`, `7d`); `after`: the `next` of the previous page.
 */
export const syncLogQuerySchema = z.object({
  since: z
    .string()
    .refine(
      (value) => RELATIVE.test(value) || z.iso.datetime({ offset: true }).safeParse(value).success,
      {
        error:
          'must be an ISO 8601 instant (2026-12-01T09:00:00Z) or a time back from now (90m, 24h, 7d)',
      },
    )
    .optional(),
  crm: z.enum(['salesforce', 'hubspot'], { error: 'must be salesforce or hubspot' }).optional(),
  status: z.enum(SYNC_OUTCOMES, { error: `must be one of ${SYNC_OUTCOMES.join(', ')}` }).optional(),
  ref: z.string().min(1).max(500).optional(),
  order: z.enum(['newest', 'oldest'], { error: 'must be newest or oldest' }).default('newest'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be between 1 and 1000' })
    .max(1000, { error: 'must be between 1 and 1000' })
    .default(100),
  after: z.coerce
    .number({ error: 'must be the next of a previous page' })
    .int({ error: 'must be the next of a previous page' })
    .min(0, { error: 'must be the next of a previous page' })
    .optional(),
});
export type SyncLogParams = z.infer<typeof syncLogQuerySchema>;

/** A line of the sync log as the API shows it. */
export const syncLogEntrySchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  crm: z.string(),
  kind: z.enum(['answer', 'rating', 'callback', 'rollup']),
  ref: z.string(),
  status: z.enum(SYNC_OUTCOMES),
  detail: z.string(),
  crmId: z.string().optional(),
});
export type SyncLogEntryView = z.infer<typeof syncLogEntrySchema>;

export const syncLogPageSchema = z.object({
  entries: z.array(syncLogEntrySchema),
  /** Pass as `after` for the next page; null on the last. */
  next: z.string().nullable(),
});
export type SyncLogPage = z.infer<typeof syncLogPageSchema>;

/** `since` as an instant (ms), relative to `now` when given as a time back. */
export function sinceMs(since: string, now: number): number {
  const relative = RELATIVE.exec(since);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  return Date.parse(since);
}

export const syncLogView = (line: SyncLogLine): SyncLogEntryView => ({
  id: line.id,
  at: new Date(line.at).toISOString(),
  crm: line.crm,
  kind: line.kind as SyncLogEntryView['kind'],
  ref: line.ref,
  status: line.outcome as SyncLogEntryView['status'],
  detail: line.detail,
  ...(line.crmId && { crmId: line.crmId }),
});

/** A page of the sync log, newest first unless `order` says oldest. */
export async function syncLogPage(
  store: Store,
  params: SyncLogParams,
  now: number,
): Promise<SyncLogPage> {
  const lines = await store.readSyncLog({
    ...(params.crm && { crm: params.crm }),
    ...(params.status && { outcome: params.status }),
    ...(params.ref && { ref: params.ref }),
    ...(params.since && { since: sinceMs(params.since, now) }),
    ...(params.after !== undefined && { afterId: params.after }),
    order: params.order,
    limit: params.limit,
  });
  return {
    entries: lines.map(syncLogView),
    next: lines.length === params.limit ? String(lines.at(-1)!.id) : null,
  };
}

/** Query parameters read by zod, or a 400 naming each parameter and why. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error);
  throw new ApiError(
    400,
    'validation_failed',
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  );
}

/** `GET /v1/sync-log` and `GET /v1/sync-health`: what the sync did, and how it stands. */
export function syncRoutes(deps: {
  store: Store;
  crms: readonly Crm[];
  clock: () => number;
}): express.Router {
  const router = express.Router();
  router.get('/sync-log', async (req, res) => {
    const params = parseQuery(syncLogQuerySchema, req.query);
    res.json(await syncLogPage(deps.store, params, deps.clock()));
  });
  router.get('/sync-health', async (_req, res) => {
    res.json(await syncHealth(deps.store, deps.clock(), { crms: deps.crms }));
  });
  return router;
}
