import { type Kysely, sql } from 'kysely';
import type { Dialect } from './dialect.ts';
import type { Schema } from './schema.ts';
import { noteLastSynced } from './syncLog.ts';
import {
  type Crm,
  type DeadJob,
  type Job,
  type JobKind,
  type JobRow,
  KIND_ORDER,
  type Queue,
  type SyncLogEntry,
  type SyncStateChange,
  toJob,
} from './store.ts';

// The durable job queue and the sync's bookkeeping (sync states, sync log), for both dialects.
// Every function takes the database or a transaction, so that callers compose them atomically.

type Db = Kysely<Schema>;

const KIND_RANK: Record<string, number> = { answer: 0, rating: 1, callback: 2 };

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let at = 0; at < items.length; at += size) result.push(items.slice(at, at + size));
  return result;
}

/** A job row to queue: one record of one kind for one queue. */
export interface JobToQueue {
  readonly crm: Queue;
  readonly kind: JobKind;
  readonly ref: string;
  readonly runAt: number;
}

/**
 * Queues jobs; a record already waiting is not queued twice, and one whose job is running is
 * marked to run once more when that job settles (it changed during its sync).
 */
export async function enqueueJobs(db: Db, d: Dialect, jobs: readonly JobToQueue[]): Promise<void> {
  // PostgreSQL refuses to touch one row twice in one upsert: one job per record.
  const unique = new Map(jobs.map((job) => [`${job.crm}\u0000${job.kind}\u0000${job.ref}`, job]));
  for (const part of chunks([...unique.values()])) {
    await db
      .insertInto('jobs')
      .values(
        part.map((job) => ({
          crm: job.crm,
          kind: job.kind,
          ref: job.ref,
          state: 'ready',
          run_at: job.runAt,
          created_at: job.runAt,
          updated_at: job.runAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['crm', 'kind', 'ref'])
          // The partial unique index's own predicate, as text: both databases match it literally.
          .where(sql<boolean>`state IN ('ready', 'running')`)
          .doUpdateSet({ rerun: d.flag(true) })
          .where('jobs.state', '=', 'running'),
      )
      .execute();
  }
}

export async function claimJobs(
  db: Db,
  d: Dialect,
  crm: Queue,
  workerId: string,
  limit: number,
  leaseMs: number,
  now: number,
): Promise<Job[]> {
  const due = d.lockRows(
    db
      .selectFrom('jobs')
      .select('id')
      .where('crm', '=', crm)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'ready'), eb('run_at', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy(sql.raw(KIND_ORDER))
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit),
    true,
  );
  const rows = (await db
    .updateTable('jobs')
    .set({ state: 'running', locked_by: workerId, lease_until: now + leaseMs, updated_at: now })
    .where('id', 'in', due)
    .returning(['id', 'crm', 'kind', 'ref', 'attempts', 'last_error', 'run_at', 'updated_at'])
    .execute()) as JobRow[];
  // RETURNING keeps no order: answers first, then by due time.
  return rows
    .sort(
      (a, b) =>
        (KIND_RANK[a.kind] ?? 3) - (KIND_RANK[b.kind] ?? 3) ||
        (a.run_at ?? 0) - (b.run_at ?? 0) ||
        a.id - b.id,
    )
    .map(toJob);
}

export async function heartbeatJobs(
  db: Db,
  ids: readonly number[],
  workerId: string,
  leaseMs: number,
  now: number,
): Promise<void> {
  for (const part of chunks(ids))
    await db
      .updateTable('jobs')
      .set({ lease_until: now + leaseMs, updated_at: now })
      .where('state', '=', 'running')
      .where('locked_by', '=', workerId)
      .where('id', 'in', part)
      .execute();
}

/** Settles jobs done; one queued again while it ran goes back to the queue instead. */
export async function completeJobs(
  db: Db,
  d: Dialect,
  ids: readonly number[],
  now: number,
): Promise<void> {
  for (const part of chunks(ids))
    await db
      .updateTable('jobs')
      .set({
        state: sql`CASE WHEN rerun THEN 'ready' ELSE 'done' END`,
        run_at: sql`CASE WHEN rerun THEN ${now} ELSE run_at END`,
        attempts: sql`CASE WHEN rerun THEN 0 ELSE attempts END`,
        rerun: d.flag(false),
        lease_until: null,
        updated_at: now,
      })
      .where('id', 'in', part)
      .execute();
}

export async function retryJob(
  db: Db,
  d: Dialect,
  id: number,
  error: string,
  delayMs: number,
  now: number,
  options: { countAttempt: boolean; maxAttempts: number },
): Promise<'retry' | 'dead'> {
  const counted = options.countAttempt ? 1 : 0;
  const row = await db
    .updateTable('jobs')
    .set({
      // Both databases read the row's old values on the right-hand side of SET.
      attempts: sql`attempts + ${counted}`,
      state: sql`CASE WHEN attempts + ${counted} >= ${options.maxAttempts} THEN 'dead' ELSE 'ready' END`,
      run_at: now + delayMs,
      last_error: error,
      rerun: d.flag(false),
      lease_until: null,
      locked_by: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .returning('state')
    .executeTakeFirst();
  return row?.state === 'dead' ? 'dead' : 'retry';
}

export async function deadLetterJob(db: Db, id: number, error: string, now: number) {
  await db
    .updateTable('jobs')
    .set({
      state: 'dead',
      attempts: sql`attempts + 1`,
      last_error: error,
      lease_until: null,
      locked_by: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function listDeadJobs(db: Db, limit: number): Promise<DeadJob[]> {
  const rows = (await db
    .selectFrom('jobs')
    .select(['id', 'crm', 'kind', 'ref', 'attempts', 'last_error', 'run_at', 'updated_at'])
    .where('state', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute()) as JobRow[];
  return rows.map((row) => ({
    ...toJob(row),
    lastError: row.last_error ?? '',
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

export async function replayJobs(
  db: Db,
  d: Dialect,
  ids: readonly number[] | 'all',
  now: number,
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let query = db
    .selectFrom('jobs')
    .select(['id', 'crm', 'kind', 'ref'])
    .where('state', '=', 'dead');
  if (ids !== 'all') query = query.where('id', 'in', ids);
  const rows = await d.lockRows(query).execute();
  for (const row of rows) {
    const pending = await db
      .selectFrom('jobs')
      .select('id')
      .where('crm', '=', row.crm)
      .where('kind', '=', row.kind)
      .where('ref', '=', row.ref)
      .where('state', 'in', ['ready', 'running'])
      .executeTakeFirst();
    // The same record already queued again makes the dead copy redundant.
    await db
      .updateTable('jobs')
      .set(
        pending
          ? { state: 'done', updated_at: now }
          : { state: 'ready', attempts: 0, run_at: now, updated_at: now },
      )
      .where('id', '=', row.id)
      .execute();
    await db
      .updateTable('sync_state')
      .set({ state: 'pending', updated_at: now })
      .where('crm', '=', row.crm)
      .where('kind', '=', row.kind)
      .where('ref', '=', row.ref)
      .where('state', '=', 'dead')
      .execute();
  }
  await appendLog(
    db,
    rows.map((row) => ({
      crm: row.crm as Crm,
      kind: row.kind as JobKind,
      ref: row.ref,
      outcome: 'replayed',
      detail: 'replayed from the dead letters',
      at: now,
    })),
  );
  return rows.length;
}

export async function countJobs(db: Db, openOnly: boolean): Promise<Record<string, number>> {
  let query = db
    .selectFrom('jobs')
    .select(['crm', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['crm', 'state']);
  // The same condition as the jobs_open index, so that the database counts from it.
  if (openOnly) query = query.where('state', 'in', ['ready', 'running', 'dead']);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [`${r.crm}.${r.state}`, Number(r.n)]));
}

/**
 * How long webhook deliveries are remembered past the job retention cutoff: 30 days, beyond any
 * provider's retry window (hours to a few days), so that a retry is always recognised whatever
 * `BOUCLE_JOB_RETENTION_DAYS` says; tying it to that setting would let a short job retention
 * forget deliveries a provider may still retry.
 */
export const DELIVERY_KEEP_MS = 30 * 24 * 3_600_000;

/**
 * Deletes up to `limit` done jobs settled before `before`, and the webhook deliveries (signatures
 * included) received `DELIVERY_KEEP_MS` before that; returns the jobs deleted.
 */
export async function pruneDoneJobs(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where(
      'id',
      'in',
      db
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'done')
        .where('updated_at', '<', before)
        .limit(limit),
    )
    .executeTakeFirst();
  // A sweep runs every few minutes: after the first, each deletes one interval's deliveries.
  await db
    .deleteFrom('deliveries')
    .where('received_at', '<', before - DELIVERY_KEEP_MS)
    .execute();
  return Number(result.numDeletedRows);
}

/** Sets sync states, one upsert per chunk; a change without a CRM id keeps the one known. */
export async function upsertSyncStates(
  db: Db,
  changes: readonly SyncStateChange[],
  now: number,
): Promise<void> {
  // One row per key and statement (PostgreSQL refuses two): the last change wins.
  const unique = new Map(changes.map((c) => [`${c.crm}\u0000${c.kind}\u0000${c.ref}`, c] as const));
  for (const part of chunks([...unique.values()]))
    await db
      .insertInto('sync_state')
      .values(
        part.map((c) => ({
          crm: c.crm,
          kind: c.kind,
          ref: c.ref,
          state: c.state,
          crm_id: c.crmId ?? null,
          detail: c.detail ?? null,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['crm', 'kind', 'ref']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          crm_id: eb.fn.coalesce('excluded.crm_id', 'sync_state.crm_id'),
          detail: eb.ref('excluded.detail'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
}

/** Sync states `pending` for new records, leaving any known state as it is. */
export async function pendingSyncStates(
  db: Db,
  rows: readonly { crm: Crm; kind: JobKind; ref: string; now: number }[],
): Promise<void> {
  for (const part of chunks(rows))
    await db
      .insertInto('sync_state')
      .values(
        part.map((r) => ({
          crm: r.crm,
          kind: r.kind,
          ref: r.ref,
          state: 'pending',
          updated_at: r.now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
}

export async function appendLog(db: Db, entries: readonly SyncLogEntry[]): Promise<void> {
  for (const part of chunks(entries))
    await db
      .insertInto('sync_log')
      .values(
        part.map((e) => ({
          at: e.at,
          crm: e.crm,
          kind: e.kind,
          ref: e.ref,
          outcome: e.outcome,
          detail: e.detail,
          crm_id: e.crmId ?? null,
        })),
      )
      .execute();
  await noteLastSynced(db, entries);
}
