import { randomUUID } from 'node:crypto';
import type { BusinessHoursSettings } from '@boucle/shared/schemas';
import { analyzeVerbatim, type VerbatimAnalyser } from '@boucle/shared/themes';
import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import { HealthRecorder } from '../health/recorder.ts';
import { OutageStreaks } from '../queue/outage.ts';
import { Settlement } from '../queue/settlement.ts';
import { QueueWorker } from '../queue/worker.ts';
import { readRatingsBack } from '../readback/ratings.ts';
import { sweepSyncErrors } from '../health/crmSyncErrors.ts';
import { CrmSyncStatus } from '../health/crmSyncStatus.ts';
import { syncHealth } from '../health/summary.ts';
import type { Crm, Store } from '../store/store.ts';
import { syncAnswers } from './answers.ts';
import { syncCallbacks } from './callbacks.ts';
import { DAY_MS, type LoopContext } from './context.ts';
import { syncErasures } from './erasure.ts';
import { sweepEscalations } from './escalation.ts';
import { syncRatings } from './ratings.ts';
import { syncRollups } from './rollups.ts';

export interface EngineOptions {
  readonly store: Store;
  readonly adapters: readonly CrmAdapter[];
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
  /** A claimed job is taken again by another worker if its lease is not renewed in time. */
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  /**
   * Counted attempts before a job is dead-lettered; with the 15 min cap, 20 attempts retry a
   * record for about three hours.
   */
  readonly maxAttempts?: number;
  /** How often an answer whose respondent is not in the CRM is looked up again. */
  readonly unmatchedRetryMs?: number;
  readonly idleMs?: number;
  /** The business hours SLAs count in (the settings page's), read for each batch; none: 24/7. */
  readonly businessHours?: () => Promise<BusinessHoursSettings | undefined>;
  /** First retry delay, doubled each attempt (tests shrink it); default 2 s. */
  readonly backoffBaseMs?: number;
  /** Answers older than this raise no callback (a backfill must not flood managers); default 14. */
  readonly callbackMaxAgeDays?: number;
  /**
   * Reads each comment's themes and sentiment, written with the answer; default: the default
   * taxonomy. Deterministic, so a re-sync writes the same values.
   */
  readonly analyse?: VerbatimAnalyser;
  /** How long done jobs are kept before they are pruned; default 7 days. */
  readonly jobRetentionMs?: number;
  /** How long sync log lines are kept (`BOUCLE_SYNC_LOG_RETENTION_DAYS`); default 30 days. */
  readonly syncLogRetentionMs?: number;
  /** Says once when the sync's health crosses a threshold, and when it recovers (`health/alerts.ts`). */
  readonly alerts?: { check(): Promise<unknown> };
  /**
   * How long after an answer or a callback its account's rollup runs; the rollups an account
   * gets meanwhile merge into that one pending job (one write per account per window). Default 5 s.
   */
  readonly rollupDelayMs?: number;
  /** Jobs a round claims while there is no backlog (a full claim means one); default 10. */
  readonly flushSize?: number;
  /** Jobs of a kind other than answers worked in one step of a round; default 100 (a HubSpot batch). */
  readonly stepSize?: number;
  /** The queue worker's fill window after a flush (`WorkerOptions.fillMs`); default 250 ms. */
  readonly fillMs?: number;
}

/** How often the first CRM's loop runs the sweeps (escalation, read-backs, pruning). */
const SWEEP_EVERY_MS = 60_000;

/**
 * The sync engine, the facade the server, the CLI and the tests use: a queue worker (one loop per
 * CRM, `queue/worker.ts`) hands each claimed batch to one module per job kind (answers first, then
 * ratings, callbacks and rollups, `loop/*.ts`), which write through the CRM's adapter and settle
 * each job alone (`queue/settlement.ts`): done, retried with backoff, parked (respondent not in the
 * CRM yet) or dead-lettered with its last error. Every minute the first loop also runs the
 * escalation sweep, the read-backs from the CRMs (`readback/`), the sync's health records in the
 * CRMs that show it (`health/crmSyncErrors.ts`, `health/crmSyncStatus.ts`), the pruning of done
 * jobs and of the sync log, and the alerts' check.
 */
export class SyncEngine {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly worker: QueueWorker;
  private lastSweep = 0;
  /** The sweeps of the CRMs' health records, one after the other in this process. */
  private healthSweeps: Promise<unknown> = Promise.resolve();
  /** Outages and API budgets, kept in the store for the health summary (`health/`). */
  readonly recorder: HealthRecorder;
  /** The health summary written into the CRMs that show it (`health/crmSyncStatus.ts`). */
  private readonly status: CrmSyncStatus;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
    const random = options.random ?? Math.random;
    const maxAttempts = options.maxAttempts ?? 20;
    this.recorder = new HealthRecorder(this.store, this.clock, this.logger);
    this.status = new CrmSyncStatus({
      adapters: options.adapters,
      logger: this.logger,
      clock: this.clock,
      summary: (now) => syncHealth(this.store, now, { crms: this.crms }),
    });
    const outages = new OutageStreaks(random, options.backoffBaseMs, this.recorder);
    const settlement = new Settlement({
      store: this.store,
      logger: this.logger,
      clock: this.clock,
      random,
      outages,
      maxAttempts,
      ...(options.backoffBaseMs !== undefined && { backoffBaseMs: options.backoffBaseMs }),
    });
    const context: LoopContext = {
      store: this.store,
      logger: this.logger,
      clock: this.clock,
      settlement,
      unmatchedRetryMs: options.unmatchedRetryMs ?? 15 * 60_000,
      callbackMaxAgeDays: options.callbackMaxAgeDays ?? 14,
      rollupDelayMs: options.rollupDelayMs ?? 5_000,
      analyse: options.analyse ?? analyzeVerbatim,
      ...(options.businessHours && { businessHours: options.businessHours }),
    };
    this.worker = new QueueWorker({
      store: this.store,
      logger: this.logger,
      clock: this.clock,
      workerId: `worker-${process.pid}-${randomUUID().slice(0, 8)}`,
      settlement,
      outages,
      handlers: [
        ['answer', (adapter, jobs) => syncAnswers(context, adapter, jobs)],
        ['rating', (adapter, jobs) => syncRatings(context, adapter, jobs)],
        ['callback', (adapter, jobs) => syncCallbacks(context, adapter, jobs)],
        ['rollup', (adapter, jobs) => syncRollups(context, adapter, jobs)],
        ['erasure', (adapter, jobs) => syncErasures(context, adapter, jobs)],
      ],
      leaseMs: options.leaseMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? 10_000,
      idleMs: options.idleMs ?? 250,
      flushSize: options.flushSize ?? 10,
      stepSize: options.stepSize ?? 100,
      fillMs: options.fillMs ?? 250,
      afterRound: async (adapter) => {
        this.recorder.observeBudget(adapter);
        if (adapter !== options.adapters[0] || this.clock() - this.lastSweep <= SWEEP_EVERY_MS)
          return;
        await this.sweepEscalations();
        await this.readBackRatings();
        await this.sweepSyncErrors();
        await this.writeSyncStatus();
        await this.pruneDoneJobs();
        await this.pruneSyncLog();
        await this.checkAlerts();
      },
    });
  }

  get crms(): Crm[] {
    return this.options.adapters.map((a) => a.crm);
  }

  /**
   * Starts one loop per CRM; they poll for due jobs until `stop()`. First, callbacks that a crash
   * of an older version left without a job are queued.
   */
  start(): void {
    if (this.worker.started) return;
    const recovered = this.store.queueUnsyncedCallbacks(this.clock()).then(
      (queued) => {
        if (queued > 0) this.logger.warn({ queued }, 'queued callbacks that had no sync job');
      },
      (error: Error) =>
        this.logger.error({ err: error.message }, 'could not look for callbacks without a job'),
    );
    this.worker.start(this.options.adapters, recovered);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Wakes idle loops (new work was queued). */
  poke(): void {
    this.worker.poke();
  }

  /** Processes one batch of due jobs of a CRM; returns how many jobs it settled. */
  runOnce(adapter: CrmAdapter): Promise<number> {
    return this.worker.runOnce(adapter);
  }

  /** The escalation sweep (`loop/escalation.ts`), one replica at a time. */
  async sweepEscalations(): Promise<number> {
    this.lastSweep = this.clock();
    // Replicas sharing a PostgreSQL store sweep one at a time: two sweeps reading the same open
    // callbacks could escalate one a manager just reached.
    return (
      (await this.store.runExclusive('escalation-sweep', () =>
        sweepEscalations({
          store: this.store,
          logger: this.logger,
          clock: this.clock,
          adapters: this.options.adapters,
        }),
      )) ?? 0
    );
  }

  /**
   * Reads back the ratings employees entered in a CRM itself (`readback/ratings.ts`), then synced
   * to every CRM as ratings sent to the API are; one replica at a time.
   */
  async readBackRatings(): Promise<number> {
    // One replica at a time, as the escalation sweep: two would read and move the same cursor.
    return (
      (await this.store.runExclusive('ratings-read-back', () =>
        readRatingsBack({
          store: this.store,
          logger: this.logger,
          clock: this.clock,
          adapters: this.options.adapters,
          crms: this.crms,
          poke: () => this.poke(),
        }),
      )) ?? 0
    );
  }

  /**
   * Mirrors the dead letters into the CRMs that show them to admins (Salesforce's Sync_Error__c),
   * and replays what an admin asked for there (`health/crmSyncErrors.ts`); one replica at a time,
   * and one sweep at a time in this process (a sweep a test asks for waits for the loop's).
   */
  sweepSyncErrors(): Promise<number> {
    return this.oneAfterAnother(
      async () =>
        (await this.store.runExclusive('sync-errors-sweep', () =>
          sweepSyncErrors({
            store: this.store,
            logger: this.logger,
            clock: this.clock,
            adapters: this.options.adapters,
            poke: () => this.poke(),
          }),
        )) ?? 0,
    );
  }

  /**
   * Writes the health summary (`health/summary.ts`) into the CRMs that show it to admins
   * (Salesforce's Sync_Status__c), when a figure changed or every 5 minutes; returns the CRMs
   * written to.
   */
  writeSyncStatus(): Promise<Crm[]> {
    return this.oneAfterAnother(
      async () =>
        (await this.store.runExclusive('sync-status-sweep', () => this.status.sweep())) ?? [],
    );
  }

  private oneAfterAnother<T>(work: () => Promise<T>): Promise<T> {
    const next = this.healthSweeps.then(work, work);
    this.healthSweeps = next.catch(() => undefined);
    return next;
  }

  /**
   * Deletes done jobs older than the retention (`BOUCLE_JOB_RETENTION_DAYS`), a batch at a time,
   * so that the jobs table holds the open work and a bounded history, not every job ever run.
   */
  async pruneDoneJobs(): Promise<number> {
    const retentionMs = this.options.jobRetentionMs ?? 7 * DAY_MS;
    return this.store.pruneDoneJobs(this.clock() - retentionMs, 10_000);
  }

  /** Deletes sync log lines older than `BOUCLE_SYNC_LOG_RETENTION_DAYS`, a batch at a time. */
  async pruneSyncLog(): Promise<number> {
    const retentionMs = this.options.syncLogRetentionMs ?? 30 * DAY_MS;
    return this.store.pruneSyncLog(this.clock() - retentionMs, 10_000);
  }

  /** The alerts' check (one replica at a time: each alert is said once, whoever says it). */
  async checkAlerts(): Promise<void> {
    const alerts = this.options.alerts;
    if (!alerts) return;
    await this.recorder.flush();
    try {
      await this.store.runExclusive('sync-alerts', () => alerts.check());
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not check the sync alerts');
    }
  }
}
