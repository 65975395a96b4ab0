import { z } from 'zod';
import type { Crm, JobKind, Store } from '../store/store.ts';

// "Is Boucle syncing, and what failed?": one summary per CRM and kind of record, read from the
// store alone (no CRM call), so that the API, the CLI, the alerts and both CRMs' views show the
// same figures, whichever replica or process asks.

const CRMS = ['salesforce', 'hubspot'] as const satisfies readonly Crm[];
const KINDS = ['answer', 'rating', 'callback', 'rollup'] as const satisfies readonly JobKind[];

/** Settings where the sync engine keeps what only it sees (`health/recorder.ts`). */
export const outageSetting = (crm: Crm) => `health.outage.${crm}`;
export const budgetSetting = (crm: Crm) => `health.budget.${crm}`;

/** An outage as recorded: since when the CRM's calls fail as a whole, and the first error. */
export interface RecordedOutage {
  readonly since: number;
  readonly error: string;
}

/** The daily API allocation as the CRM last reported it, and when. */
export interface RecordedBudget {
  readonly used: number;
  readonly limit: number;
  readonly at: number;
}

const instant = z.iso.datetime();

export const objectHealthSchema = z.object({
  kind: z.enum(KINDS),
  /** When a record of this kind was last written to the CRM; null: never (or pruned). */
  lastSyncedAt: instant.nullable(),
  /** Jobs ready or running: what waits to be written. */
  backlog: z.number().int(),
  /** Records the CRM refused for good (`dead-letters list`, `GET /v1/sync-log?status=dead`). */
  deadLetters: z.number().int(),
});

export const crmHealthSchema = z.object({
  crm: z.enum(CRMS),
  /** `failing`: the CRM's calls fail as a whole (an outage); `degraded`: dead letters wait. */
  status: z.enum(['ok', 'degraded', 'failing']),
  outage: z.object({ since: instant, error: z.string() }).nullable(),
  backlog: z.number().int(),
  deadLetters: z.number().int(),
  lastSyncedAt: instant.nullable(),
  /**
   * The daily API allocation the CRM last reported (Salesforce: a rolling 24 h; HubSpot: the
   * portal's day), and when it reported it; null before any answer carrying it.
   */
  apiBudget: z
    .object({
      used: z.number().int(),
      limit: z.number().int(),
      percent: z.number(),
      observedAt: instant,
    })
    .nullable(),
  objects: z.array(objectHealthSchema),
});

export const syncHealthSchema = z.object({
  at: instant,
  /** The worst of the CRMs' statuses. */
  status: z.enum(['ok', 'degraded', 'failing']),
  crms: z.array(crmHealthSchema),
});

export type ObjectHealth = z.infer<typeof objectHealthSchema>;
export type CrmHealth = z.infer<typeof crmHealthSchema>;
export type SyncHealth = z.infer<typeof syncHealthSchema>;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const WORST = ['ok', 'degraded', 'failing'] as const;

/**
 * The sync's health at `now`: per CRM (those given, else those the store has seen) and kind of
 * record, the last successful sync, the backlog, the dead letters, the outage and the API budget.
 */
export async function syncHealth(
  store: Store,
  now: number | Date,
  options: { crms?: readonly Crm[] } = {},
): Promise<SyncHealth> {
  const facts = await store.syncFacts();
  const seen = (crm: Crm) =>
    [facts.lastSynced, facts.open, facts.dead].some((counts) =>
      Object.keys(counts).some((key) => key.startsWith(`${crm}.`)),
    );
  const crms: CrmHealth[] = [];
  for (const crm of options.crms ?? CRMS) {
    const outage = await store.getSetting<RecordedOutage | null>(outageSetting(crm));
    const budget = await store.getSetting<RecordedBudget | null>(budgetSetting(crm));
    if (!options.crms && !seen(crm) && !outage && !budget) continue;
    const objects = KINDS.map((kind) => ({
      kind,
      lastSyncedAt: iso(facts.lastSynced[`${crm}.${kind}`]),
      backlog: facts.open[`${crm}.${kind}`] ?? 0,
      deadLetters: facts.dead[`${crm}.${kind}`] ?? 0,
    }));
    const deadLetters = objects.reduce((sum, o) => sum + o.deadLetters, 0);
    const last = Math.max(...KINDS.map((kind) => facts.lastSynced[`${crm}.${kind}`] ?? -1));
    crms.push({
      crm,
      status: outage ? 'failing' : deadLetters > 0 ? 'degraded' : 'ok',
      outage: outage ? { since: iso(outage.since)!, error: outage.error } : null,
      backlog: objects.reduce((sum, o) => sum + o.backlog, 0),
      deadLetters,
      lastSyncedAt: last >= 0 ? iso(last) : null,
      apiBudget: budget
        ? {
            used: budget.used,
            limit: budget.limit,
            percent: Math.round((budget.used / budget.limit) * 1000) / 10,
            observedAt: iso(budget.at)!,
          }
        : null,
      objects,
    });
  }
  const worst = Math.max(0, ...crms.map((c) => WORST.indexOf(c.status)));
  return { at: new Date(now).toISOString(), status: WORST[worst]!, crms };
}
