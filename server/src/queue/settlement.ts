import type { Logger } from 'pino';
import type { RecordResult } from '../crm/adapter.ts';
import type { Crm, Job, Store } from '../store/store.ts';
import { retried } from '../store/settle.ts';
import { backoffMs } from './backoff.ts';
import type { OutageStreaks } from './outage.ts';

export interface SettlementOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly outages: OutageStreaks;
  /** Counted attempts before a job is dead-lettered. */
  readonly maxAttempts: number;
  /** First retry delay, doubled each attempt. */
  readonly backoffBaseMs?: number;
}

/**
 * How a job ends a round, alone: done (its CRM id kept), retried with backoff (an attempt spent),
 * deferred without spending one (`later`: waiting for something else, or an outage), or
 * dead-lettered with its last error, which is what `dead-letters list` and the sync log show.
 */
export class Settlement {
  constructor(private readonly options: SettlementOptions) {}

  /**
   * Settles each job from its record's result: synced (then `onSuccess`), deferred when its call
   * failed as a whole (`unsent`), else retried or dead-lettered as the error says. A job without a
   * result is left to its lease. The whole batch is settled in one store transaction
   * (`settleJobs`), after every `onSuccess` has run: a crash in between leaves the jobs to their
   * lease, to be written again (an idempotent upsert), never done without what follows a write.
   */
  async settle(
    crm: Crm,
    jobs: readonly Job[],
    results: Map<string, RecordResult>,
    keyOf: (job: Job) => string,
    onSuccess: (job: Job, crmId: string) => Promise<void>,
  ): Promise<void> {
    const { store, logger, clock, outages, random, maxAttempts, backoffBaseMs } = this.options;
    const now = clock();
    const synced: { job: Job; crmId: string }[] = [];
    const retry: { job: Job; error: string; delayMs: number; countAttempt: boolean }[] = [];
    const dead: { job: Job; error: string }[] = [];
    let outageDelay: number | undefined;
    for (const job of jobs) {
      const result = results.get(keyOf(job));
      if (!result) continue;
      const error = result.ok ? '' : `${result.error.code}: ${result.error.message}`;
      if (result.ok) {
        await onSuccess(job, result.crmId);
        synced.push({ job, crmId: result.crmId });
      } else if (result.unsent) {
        // Its call failed as a whole (an outage, a limit, the network): nothing is known about the
        // record, so it waits like a failed step, without spending an attempt.
        if (outageDelay === undefined) {
          outageDelay = outages.delay(crm, result.error);
          logger.warn(
            {
              crm,
              kind: job.kind,
              code: result.error.code,
              err: result.error.message,
              retryInMs: outageDelay,
            },
            'CRM call failed as a whole; its records wait',
          );
        }
        retry.push({ job, error, delayMs: outageDelay, countAttempt: false });
      } else if (!result.error.retryable) {
        dead.push({ job, error });
      } else {
        const delayMs = backoffMs(job.attempts, random(), result.error.waitMs, backoffBaseMs);
        retry.push({ job, error, delayMs, countAttempt: true });
      }
    }
    // Each record's line of the sync log (its CRM id, its error) is written by `settleJobs`.
    await store.settleJobs(crm, { synced, retry, dead }, now, { maxAttempts });
  }

  /**
   * A refusal of the record itself: dead-lettered at once when trying again cannot help, else
   * retried after a backoff (at least `waitMs`), spending an attempt, dead after the last one.
   */
  async retryOrDie(
    crm: Crm,
    job: Job,
    retryable: boolean,
    message: string,
    waitMs?: number,
  ): Promise<void> {
    const { store, clock, random, maxAttempts, backoffBaseMs } = this.options;
    const now = clock();
    if (!retryable) {
      await store.deadLetter(job.id, message, now);
      await store.setSyncState(crm, job.kind, job.ref, 'dead', message);
      await store.log(crm, job.kind, job.ref, 'dead', message, now);
      return;
    }
    const delayMs = backoffMs(job.attempts, random(), waitMs, backoffBaseMs);
    const verdict = await store.retry(job.id, message, delayMs, now, {
      countAttempt: true,
      maxAttempts,
    });
    if (verdict === 'retry')
      await store.log(crm, job.kind, job.ref, 'retried', retried(job, message, delayMs, true), now);
    if (verdict === 'dead') {
      await store.setSyncState(crm, job.kind, job.ref, 'dead', message);
      await store.log(
        crm,
        job.kind,
        job.ref,
        'dead',
        `after ${maxAttempts} attempts: ${message}`,
        now,
      );
    }
  }

  /** Waits for something else (an answer to be written first) without spending an attempt. */
  async later(job: Job, reason: string, delayMs = 2_000): Promise<void> {
    await this.options.store.retry(job.id, reason, delayMs, this.options.clock(), {
      countAttempt: false,
      maxAttempts: this.options.maxAttempts,
    });
  }
}
