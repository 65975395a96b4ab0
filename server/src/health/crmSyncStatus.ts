import type { Logger } from 'pino';
import type { CrmAdapter, CrmJobKind, SyncStatusWrite } from '../crm/adapter.ts';
import type { Crm } from '../store/store.ts';
import { CRM_OBJECTS } from './crmSyncErrors.ts';

/**
 * What the CRMs' status records show of the health summary (`health/summary.ts`'s `SyncHealth`):
 * per CRM, its API budget and, per kind of record, the last success, the backlog and the dead
 * letters.
 */
export interface HealthForCrm {
  readonly crms: readonly {
    readonly crm: Crm;
    readonly apiBudget: { readonly used: number; readonly limit: number } | null;
    readonly objects: readonly {
      readonly kind: CrmJobKind;
      readonly lastSyncedAt: string | null;
      readonly backlog: number;
      readonly deadLetters: number;
    }[];
  }[];
}

/**
 * The status records are written again, unchanged, this often: the component says Boucle has
 * stopped reporting after 15 minutes without a write.
 */
export const STATUS_HEARTBEAT_MS = 5 * 60_000;

/** The status records of a summary: one per CRM and kind of record, keyed `crm:kind`. */
export function syncStatusWrites(health: HealthForCrm, now: number): SyncStatusWrite[] {
  return health.crms.flatMap((crm) =>
    crm.objects.map((object) => ({
      key: `${crm.crm}:${object.kind}`,
      crm: crm.crm,
      kind: object.kind,
      object: CRM_OBJECTS[crm.crm][object.kind],
      ...(object.lastSyncedAt && { lastSuccessAt: object.lastSyncedAt }),
      backlog: object.backlog,
      deadLetters: object.deadLetters,
      ...(crm.apiBudget && {
        apiCallsToday: crm.apiBudget.used,
        apiDailyLimit: crm.apiBudget.limit,
      }),
      now: new Date(now).toISOString(),
    })),
  );
}

/**
 * Writes the health summary into the CRMs that show it to admins (Salesforce's `Sync_Status__c`,
 * read by the boucleSyncHealth component): every CRM's figures, one upsert by `crm:kind` each, in
 * one Composite call. The engine runs it with its minute sweeps; it writes only when a figure
 * changed (the API calls used aside, which change with every call) or the last write is
 * `STATUS_HEARTBEAT_MS` old, so a quiet sync spends a call every five minutes.
 */
export class CrmSyncStatus {
  /** What was last written to each CRM, and when (this process: a restart writes once more). */
  private readonly written = new Map<Crm, { figures: string; at: number }>();

  constructor(
    private readonly options: {
      readonly adapters: readonly CrmAdapter[];
      readonly logger: Logger;
      readonly clock: () => number;
      readonly summary: (now: number) => Promise<HealthForCrm>;
    },
  ) {}

  /** Writes the figures where they changed; returns the CRMs written to. */
  async sweep(): Promise<Crm[]> {
    const targets = this.options.adapters.filter((a) => a.healthRecords);
    if (targets.length === 0) return [];
    const now = this.options.clock();
    const writes = syncStatusWrites(await this.options.summary(now), now);
    const figures = JSON.stringify(
      writes.map(({ now: _now, apiCallsToday: _calls, ...rest }) => rest),
    );
    const done: Crm[] = [];
    for (const adapter of targets) {
      const last = this.written.get(adapter.crm);
      if (last && last.figures === figures && now - last.at < STATUS_HEARTBEAT_MS) continue;
      try {
        const results = await adapter.healthRecords!.writeSyncStatus(writes);
        const refused = [...results.values()].find((result) => !result.ok);
        if (refused && !refused.ok) throw refused.error;
        this.written.set(adapter.crm, { figures, at: now });
        done.push(adapter.crm);
      } catch (error) {
        this.options.logger.warn(
          { crm: adapter.crm, err: error instanceof Error ? error.message : String(error) },
          'could not write the sync status; it is written at the next sweep',
        );
      }
    }
    return done;
  }
}
