import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.ts';
import type { Crm, JobKind, Queue, SyncLogEntry } from './store.ts';

// Reading the sync log (GET /v1/sync-log, `boucle sync-log`), pruning it, and the few facts the
// health summary reads (`health/summary.ts`): all by indexes that do not grow with the history.

type Db = Kysely<Schema>;

/** What a line of the sync log says happened to a record. */
export const SYNC_OUTCOMES = ['synced', 'retried', 'dead', 'replayed'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

export interface SyncLogQuery {
  readonly crm?: Crm;
  readonly outcome?: SyncOutcome;
  /** The record's key (`source:id`, a callback id, an account key). */
  readonly ref?: string;
  /** Lines at or after this instant (ms). */
  readonly since?: number;
  /** The cursor: lines after this id in the order asked for. */
  readonly afterId?: number;
  readonly order: 'newest' | 'oldest';
  readonly limit: number;
}

/** A line of the sync log as read back. */
export interface SyncLogLine {
  readonly id: number;
  readonly at: number;
  readonly crm: Queue;
  readonly kind: JobKind;
  readonly ref: string;
  readonly outcome: string;
  readonly detail: string;
  readonly crmId?: string;
}

/** Per CRM and kind: what the health summary needs from the store. */
export interface SyncFacts {
  /** When a record of each `crm.kind` was last written. */
  readonly lastSynced: Record<string, number>;
  /** Jobs ready or running by `crm.kind`: the backlog. */
  readonly open: Record<string, number>;
  /** Dead letters by `crm.kind`. */
  readonly dead: Record<string, number>;
}

export async function readSyncLog(db: Db, query: SyncLogQuery): Promise<SyncLogLine[]> {
  const newest = query.order === 'newest';
  let q = db
    .selectFrom('sync_log')
    .select(['id', 'at', 'crm', 'kind', 'ref', 'outcome', 'detail', 'crm_id'])
    .orderBy('id', newest ? 'desc' : 'asc')
    .limit(query.limit);
  if (query.crm) q = q.where('crm', '=', query.crm);
  if (query.outcome) q = q.where('outcome', '=', query.outcome);
  if (query.ref) q = q.where('ref', '=', query.ref);
  if (query.since !== undefined) q = q.where('at', '>=', query.since);
  if (query.afterId !== undefined) q = q.where('id', newest ? '<' : '>', query.afterId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    crm: r.crm as Queue,
    kind: r.kind as JobKind,
    ref: r.ref,
    outcome: r.outcome,
    detail: r.detail,
    ...(r.crm_id && { crmId: r.crm_id }),
  }));
}

/** Deletes up to `limit` lines logged before `before`; returns how many. */
export async function pruneSyncLog(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('sync_log')
    .where(
      'id',
      'in',
      db.selectFrom('sync_log').select('id').where('at', '<', before).orderBy('id').limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Moves each CRM and kind's last successful sync forward to the latest `synced` line logged. */
export async function noteLastSynced(db: Db, entries: readonly SyncLogEntry[]): Promise<void> {
  const latest = new Map<string, { crm: string; kind: string; at: number }>();
  for (const e of entries) {
    if (e.outcome !== 'synced') continue;
    const key = `${e.crm}.${e.kind}`;
    if ((latest.get(key)?.at ?? -Infinity) < e.at) latest.set(key, { ...e });
  }
  if (latest.size === 0) return;
  await db
    .insertInto('sync_last')
    .values([...latest.values()].map((l) => ({ crm: l.crm, kind: l.kind, synced_at: l.at })))
    .onConflict((oc) =>
      // Never backwards: two replicas may settle out of order. (No GREATEST in SQLite.)
      oc.columns(['crm', 'kind']).doUpdateSet({
        synced_at: sql<number>`CASE WHEN excluded.synced_at > sync_last.synced_at
          THEN excluded.synced_at ELSE sync_last.synced_at END`,
      }),
    )
    .execute();
}

export async function readSyncFacts(db: Db): Promise<SyncFacts> {
  const last = await db.selectFrom('sync_last').selectAll().execute();
  // The same condition as the jobs_open index, so that the database counts from it.
  const jobs = await db
    .selectFrom('jobs')
    .select(['crm', 'kind', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['ready', 'running', 'dead'])
    .groupBy(['crm', 'kind', 'state'])
    .execute();
  const open: Record<string, number> = {};
  const dead: Record<string, number> = {};
  for (const row of jobs) {
    const key = `${row.crm}.${row.kind}`;
    const into = row.state === 'dead' ? dead : open;
    into[key] = (into[key] ?? 0) + Number(row.n);
  }
  return {
    lastSynced: Object.fromEntries(last.map((r) => [`${r.crm}.${r.kind}`, Number(r.synced_at)])),
    open,
    dead,
  };
}
