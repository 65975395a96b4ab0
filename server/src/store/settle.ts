import type { Kysely } from 'kysely';
import type { Dialect } from './dialect.ts';
import { appendLog, completeJobs, deadLetterJob, retryJob, upsertSyncStates } from './jobs.ts';
import type { Schema } from './schema.ts';
import type { Crm, Settlement, SyncLogEntry, SyncStateChange } from './store.ts';

/**
 * Settles a batch of one CRM's jobs in the caller's transaction: the sync states of the records
 * written and of those that died in one upsert, the completed jobs in one update, the log in one
 * insert; retries and dead letters one update each (each has its own error and delay). What one
 * job's `setSyncState` + `complete`/`retry`/`deadLetter` + `log` did, without a commit per job.
 */
export async function settleJobs(
  db: Kysely<Schema>,
  d: Dialect,
  crm: Crm,
  settlement: Settlement,
  now: number,
  options: { maxAttempts: number },
): Promise<{ dead: number[] }> {
  const states: SyncStateChange[] = [...(settlement.states ?? [])];
  const log: SyncLogEntry[] = [...(settlement.log ?? [])];
  const dead: number[] = [];
  const died = (
    job: { id: number; kind: SyncStateChange['kind']; ref: string },
    detail: string,
    error: string,
  ) => {
    dead.push(job.id);
    states.push({ crm, kind: job.kind, ref: job.ref, state: 'dead', detail: error });
    log.push({ crm, kind: job.kind, ref: job.ref, outcome: 'dead', detail, at: now });
  };
  for (const { job, crmId } of settlement.synced ?? []) {
    states.push({ crm, kind: job.kind, ref: job.ref, state: 'synced', crmId });
    log.push({ crm, kind: job.kind, ref: job.ref, outcome: 'synced', detail: '', crmId, at: now });
  }
  await completeJobs(
    db,
    d,
    (settlement.synced ?? []).map(({ job }) => job.id),
    now,
  );
  for (const { job, error, delayMs, countAttempt } of settlement.retry ?? []) {
    const verdict = await retryJob(db, d, job.id, error, delayMs, now, {
      countAttempt,
      maxAttempts: options.maxAttempts,
    });
    if (verdict === 'dead') died(job, `after ${options.maxAttempts} attempts: ${error}`, error);
    else
      log.push({
        crm,
        kind: job.kind,
        ref: job.ref,
        outcome: 'retried',
        at: now,
        detail: retried(job, error, delayMs, countAttempt),
      });
  }
  for (const { job, error } of settlement.dead ?? []) {
    await deadLetterJob(db, job.id, error, now);
    died(job, error, error);
  }
  await upsertSyncStates(db, states, now);
  await appendLog(db, log);
  return { dead };
}

/** Why and when a job runs again: `attempt 3: <error>; again in 8 s`, or without an attempt spent. */
export function retried(
  job: { attempts: number },
  error: string,
  delayMs: number,
  countAttempt: boolean,
): string {
  const when = `again in ${Math.round(delayMs / 1000)} s`;
  return countAttempt
    ? `attempt ${job.attempts + 1}: ${error}; ${when}`
    : `not sent: ${error}; ${when}, no attempt spent`;
}
