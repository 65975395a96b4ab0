import { z } from 'zod';
import type { Crm, JobKind, Store } from '../store/store.ts';
import { syncHealth, syncHealthSchema } from './summary.ts';

const RECORD_KINDS = ['answer', 'rating', 'callback', 'rollup'] as const;
type RecordKind = (typeof RECORD_KINDS)[number];

/** Dead letters the settings page lists (the latest); the total is in the summary. */
const SHOWN_DEAD_LETTERS = 20;

export const healthViewSchema = z.object({
  health: syncHealthSchema,
  /** The latest records a CRM refused for good, newest first, with the CRM's error. */
  deadLetters: z.array(
    z.object({
      id: z.number().int(),
      crm: z.enum(['salesforce', 'hubspot']),
      kind: z.enum(RECORD_KINDS),
      ref: z.string(),
      error: z.string(),
      attempts: z.number().int(),
      deadAt: z.iso.datetime(),
    }),
  ),
});
export type HealthView = z.infer<typeof healthViewSchema>;

/** What the HubSpot settings page shows of the sync (`GET /hubspot/settings/health`). */
export async function healthView(
  store: Store,
  crms: readonly Crm[],
  now: number,
): Promise<HealthView> {
  const health = await syncHealth(store, now, { crms });
  const dead = await store.listDead(SHOWN_DEAD_LETTERS);
  return {
    health,
    deadLetters: dead
      // The CRMs' records only: survey fetches, outbound deliveries and erasures have their own views.
      .filter(
        (job): job is typeof job & { crm: Crm; kind: RecordKind } =>
          (job.crm === 'salesforce' || job.crm === 'hubspot') &&
          (RECORD_KINDS as readonly JobKind[]).includes(job.kind),
      )
      .map((job) => ({
        id: job.id,
        crm: job.crm,
        kind: job.kind,
        ref: job.ref,
        error: job.lastError,
        attempts: job.attempts,
        deadAt: job.updatedAt,
      })),
  };
}
