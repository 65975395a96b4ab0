import { randomUUID } from 'node:crypto';
import {
  classifyDissonance,
  classifyScore,
  npsFromCounts,
  decideEscalation,
  evaluateThresholds,
  isFurtherAlong,
  summarizeAccount,
  type Alert,
} from '@boucle/shared';
import type { Answer, BusinessHoursSettings, ThresholdRule } from '@boucle/shared/schemas';
import { analyzeVerbatim, type VerbatimAnalyser } from '@boucle/shared/themes';
import type { Logger } from 'pino';
import { CrmError } from '../errors.ts';
import {
  accountKeysOf,
  refOf,
  type Crm,
  type Job,
  type Store,
  type StoredCallback,
} from '../store/store.ts';
import type {
  AnswerWrite,
  CallbackWrite,
  CrmAdapter,
  CrmCallbackState,
  RatingWrite,
  RecordResult,
  Resolution,
  RollupWrite,
} from './adapter.ts';
import { NORM_RESULT_KEY } from './adapter.ts';
import { backoffMs } from './retryPolicy.ts';

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
}

const DAY_MS = 86_400_000;
/** The window of the org-wide norm: the rollups' own (summarizeAccount's default). */
const NORM_WINDOW_DAYS = 90;
const callbackId = (crm: Crm, answerRef: string, kind: string) => `${crm}:${answerRef}:${kind}`;

/**
 * The sync engine: one loop per CRM claims a batch of due jobs (answers first, then ratings,
 * callbacks and rollups), keeps their lease alive while it works, writes them through the CRM's
 * adapter, and settles each job alone: done, retried with backoff, parked (respondent not in the
 * CRM yet) or dead-lettered with its last error.
 */
export class SyncEngine {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly maxAttempts: number;
  private readonly unmatchedRetryMs: number;
  private readonly workerId = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: (() => void) | undefined;
  private lastSweep = 0;
  /** Consecutive failed steps per CRM: the backoff of step failures, which spend no attempt. */
  private readonly streak = new Map<Crm, number>();
  /** CRMs whose current step met an outage (a call that failed as a whole). */
  private readonly outage = new Set<Crm>();

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.unmatchedRetryMs = options.unmatchedRetryMs ?? 15 * 60_000;
  }

  get crms(): Crm[] {
    return this.options.adapters.map((a) => a.crm);
  }

  /**
   * Starts one loop per CRM; they poll for due jobs until `stop()`. First, callbacks that a crash
   * of an older version left without a job are queued.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = this.store.queueUnsyncedCallbacks(this.clock()).then(
      (queued) => {
        if (queued > 0) this.logger.warn({ queued }, 'queued callbacks that had no sync job');
      },
      (error: Error) =>
        this.logger.error({ err: error.message }, 'could not look for callbacks without a job'),
    );
    this.loops = this.options.adapters.map((adapter) => recovered.then(() => this.loop(adapter)));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await Promise.all(this.loops);
  }

  /** Wakes idle loops (new work was queued). */
  poke(): void {
    this.wake?.();
  }

  private async loop(adapter: CrmAdapter): Promise<void> {
    while (this.running) {
      let processed = 0;
      try {
        processed = await this.runOnce(adapter);
        if (adapter === this.options.adapters[0] && this.clock() - this.lastSweep > 60_000) {
          await this.sweepEscalations();
          await this.readBackRatings();
          await this.pruneDoneJobs();
        }
      } catch (error) {
        this.logger.error({ crm: adapter.crm, err: (error as Error).message }, 'sync round failed');
      }
      if (processed === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs ?? 250);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Processes one batch of due jobs of a CRM; returns how many jobs it settled. */
  async runOnce(adapter: CrmAdapter): Promise<number> {
    let jobs = await this.store.claim(
      adapter.crm,
      this.workerId,
      adapter.batchSize,
      this.leaseMs,
      this.clock(),
    );
    // A full round is a backlog: a CRM with a bulk API takes a bigger one (a backfill's job).
    const backlog = adapter.backlogBatchSize ?? 0;
    if (jobs.length >= adapter.batchSize && backlog > jobs.length)
      jobs = jobs.concat(
        await this.store.claim(
          adapter.crm,
          this.workerId,
          backlog - jobs.length,
          this.leaseMs,
          this.clock(),
        ),
      );
    if (jobs.length === 0) return 0;
    const ids = jobs.map((j) => j.id);
    const heartbeat = setInterval(() => {
      this.store.heartbeat(ids, this.workerId, this.leaseMs, this.clock()).catch(() => undefined);
    }, this.heartbeatMs);
    try {
      for (const kind of ['answer', 'rating', 'callback', 'rollup'] as const) {
        const ofKind = jobs.filter((j) => j.kind === kind);
        if (ofKind.length === 0) continue;
        this.outage.delete(adapter.crm);
        try {
          if (kind === 'answer') await this.syncAnswers(adapter, ofKind);
          else if (kind === 'rating') await this.syncRatings(adapter, ofKind);
          else if (kind === 'callback') await this.syncCallbacks(adapter, ofKind);
          else await this.syncRollups(adapter, ofKind);
          if (!this.outage.has(adapter.crm)) this.streak.set(adapter.crm, 0);
        } catch (error) {
          // A failure before any per-record result (a read, the portal setup, the whole call
          // refused) says nothing about the records: they wait, without spending an attempt, with
          // a backoff that grows while the CRM keeps failing.
          const crmError =
            error instanceof CrmError
              ? error
              : new CrmError('error', (error as Error).message ?? String(error), true);
          const delay = this.outageDelay(adapter.crm, crmError);
          this.logger.warn(
            {
              crm: adapter.crm,
              kind,
              jobs: ofKind.length,
              code: crmError.code,
              err: crmError.message,
              retryInMs: delay,
            },
            'sync step failed; the records wait',
          );
          for (const job of ofKind)
            await this.later(
              job,
              `${crmError.code ?? 'error'}: ${crmError.message ?? String(error)}`,
              delay,
            );
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
    return jobs.length;
  }

  private async retryOrDie(
    crm: Crm,
    job: Job,
    retryable: boolean,
    message: string,
    waitMs?: number,
  ): Promise<void> {
    const now = this.clock();
    if (!retryable) {
      await this.store.deadLetter(job.id, message, now);
      await this.store.setSyncState(crm, job.kind, job.ref, 'dead', message);
      await this.store.log(crm, job.kind, job.ref, 'dead', message, now);
      return;
    }
    const verdict = await this.store.retry(
      job.id,
      message,
      backoffMs(job.attempts, this.random(), waitMs, this.options.backoffBaseMs),
      now,
      { countAttempt: true, maxAttempts: this.maxAttempts },
    );
    if (verdict === 'dead') {
      await this.store.setSyncState(crm, job.kind, job.ref, 'dead', message);
      await this.store.log(
        crm,
        job.kind,
        job.ref,
        'dead',
        `after ${this.maxAttempts} attempts: ${message}`,
        now,
      );
    }
  }

  /**
   * The wait after a failure of the CRM rather than of a record (a read, the setup, a call that
   * failed as a whole): a backoff that grows with each consecutive one, never an attempt.
   */
  private outageDelay(crm: Crm, error: CrmError): number {
    const streak = (this.streak.get(crm) ?? 0) + 1;
    this.streak.set(crm, streak);
    this.outage.add(crm);
    return backoffMs(
      Math.min(streak - 1, 12),
      this.random(),
      error.waitMs,
      this.options.backoffBaseMs,
    );
  }

  /** Waits for something else (an answer to be written first) without spending an attempt. */
  private async later(job: Job, reason: string, delayMs = 2_000): Promise<void> {
    await this.store.retry(job.id, reason, delayMs, this.clock(), {
      countAttempt: false,
      maxAttempts: this.maxAttempts,
    });
  }

  private async settle(
    crm: Crm,
    jobs: readonly Job[],
    results: Map<string, RecordResult>,
    keyOf: (job: Job) => string,
    onSuccess: (job: Job, crmId: string) => Promise<void>,
  ): Promise<void> {
    const done: number[] = [];
    const now = this.clock();
    let outageDelay: number | undefined;
    for (const job of jobs) {
      const result = results.get(keyOf(job));
      if (!result) continue;
      if (result.ok) {
        done.push(job.id);
        await this.store.setSyncState(crm, job.kind, job.ref, 'synced', undefined, result.crmId);
        await onSuccess(job, result.crmId);
      } else if (result.unsent) {
        // Its call failed as a whole (an outage, a limit, the network): nothing is known about the
        // record, so it waits like a failed step, without spending an attempt.
        if (outageDelay === undefined) {
          outageDelay = this.outageDelay(crm, result.error);
          this.logger.warn(
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
        await this.later(job, `${result.error.code}: ${result.error.message}`, outageDelay);
      } else {
        await this.retryOrDie(
          crm,
          job,
          result.error.retryable,
          `${result.error.code}: ${result.error.message}`,
          result.error.waitMs,
        );
      }
    }
    await this.store.complete(done, now);
    if (done.length > 0)
      await this.store.log(
        crm,
        jobs[0]?.kind ?? 'answer',
        `${done.length} records`,
        'synced',
        '',
        now,
      );
  }

  private async raiseCallbacks(
    adapter: CrmAdapter,
    answer: Answer,
    ref: string,
    alerts: readonly Alert[],
    resolution: Resolution,
  ): Promise<string[]> {
    const callbacks: StoredCallback[] = [];
    for (const alert of alerts) {
      let assignee: string | undefined;
      if (alert.assignTo === 'account_owner') assignee = resolution.ownerId;
      else if (alert.assignTo === 'owners_manager')
        assignee = resolution.managerId ?? resolution.ownerId;
      else
        assignee =
          (alert.queue ? await adapter.resolveQueue(alert.queue) : undefined) ?? resolution.ownerId;
      const callback: StoredCallback = {
        id: callbackId(adapter.crm, ref, alert.kind),
        crm: adapter.crm,
        answerRef: ref,
        answerId: answer.id,
        kind: alert.kind,
        status: 'open',
        slaHours: alert.slaHours,
        createdAt: new Date(this.clock()).toISOString(),
        dueAt: alert.dueAt,
        ...(alert.escalateAt && { escalateAt: alert.escalateAt }),
        ...(assignee && { assignee }),
        ...(resolution.managerId && { escalateTo: resolution.managerId }),
        ...(accountKeysOf(answer)[0] && { accountKey: accountKeysOf(answer)[0] }),
        ...(answer.respondent?.email && { respondentEmail: answer.respondent.email.toLowerCase() }),
        ...(resolution.accountId && { crmAccountId: resolution.accountId }),
        ...(resolution.contactId && { crmContactId: resolution.contactId }),
        reason: alert.reason,
        assignTo: alert.assignTo,
      };
      callbacks.push(callback);
    }
    // Each callback and its sync job in one transaction: a crash leaves both or neither.
    return this.store.createCallbacks(callbacks, this.clock());
  }

  private async syncAnswers(adapter: CrmAdapter, jobs: readonly Job[]): Promise<void> {
    const businessHours = await this.options.businessHours?.();
    const answers = await this.store.getAnswers(jobs.map((j) => j.ref));
    const items = jobs.flatMap((job) => {
      const answer = answers.get(job.ref);
      return answer ? [{ job, ref: job.ref, answer }] : [];
    });
    await this.store.complete(
      jobs.filter((j) => !answers.has(j.ref)).map((j) => j.id),
      this.clock(),
    );
    const resolutions = await adapter.resolve(items);
    const rules: ThresholdRule[] = await adapter.thresholdRules();
    // A rule's touchpoint and an answer's meet by key or either label (the answer keeps its label).
    const touchpoints = await adapter.touchpoints();
    const writes: (AnswerWrite & { job: Job })[] = [];
    const now = new Date(this.clock()).toISOString();
    for (const item of items) {
      const resolution = resolutions.get(item.ref);
      if (!resolution) {
        const who =
          [
            item.answer.respondent?.email,
            item.answer.account?.domain ??
              item.answer.account?.crmAccountId ??
              item.answer.account?.hubspotCompanyId,
          ]
            .filter(Boolean)
            .join(' / ') || 'no respondent or account given';
        const detail = `not found in ${adapter.crm}: ${who}; looked up again every ${Math.round(this.unmatchedRetryMs / 60_000)} min`;
        await this.store.setSyncState(adapter.crm, 'answer', item.ref, 'unmatched', detail);
        await this.later(item.job, detail, this.unmatchedRetryMs);
        continue;
      }
      if (resolution.contactId && item.answer.respondent?.email) {
        await this.store.linkContact(
          adapter.crm,
          resolution.contactId,
          item.answer.respondent.email,
        );
      }
      const rating = item.answer.interactionId
        ? await this.store.ratingForInteraction(item.answer.interactionId)
        : undefined;
      const recent =
        this.clock() - Date.parse(item.answer.answeredAt) <=
        (this.options.callbackMaxAgeDays ?? 14) * DAY_MS;
      const alerts = !recent
        ? []
        : evaluateThresholds({
            answer: item.answer,
            ...(rating && {
              rating: { interactionId: rating.interactionId, rating: rating.rating },
            }),
            rules,
            now,
            touchpoints,
            ...(businessHours && { businessHours }),
          });
      await this.raiseCallbacks(adapter, item.answer, item.ref, alerts, resolution);
      const analyse = this.options.analyse ?? analyzeVerbatim;
      writes.push({
        job: item.job,
        ref: item.ref,
        answer: item.answer,
        resolution,
        category: classifyCategory(item.answer),
        ...(item.answer.comment?.trim() && {
          analysis: analyse(item.answer.comment, { language: item.answer.language }),
        }),
      });
    }
    if (writes.length === 0) return;
    const results = await adapter.writeAnswers(writes);
    const rollups = new Set<string>();
    const ratingsToLink: string[] = [];
    await this.settle(
      adapter.crm,
      writes.map((w) => w.job),
      results,
      (job) => job.ref,
      async (job) => {
        const write = writes.find((w) => w.job.id === job.id);
        if (!write) return;
        if (write.resolution.accountId) {
          await this.store.linkAnswerAccount(write.ref, write.resolution.accountId);
          rollups.add(
            `${write.resolution.accountId}|${accountKeysOf(write.answer)[0] ?? write.resolution.accountId}`,
          );
        }
        if (write.answer.interactionId) {
          const rating = await this.store.ratingForInteraction(write.answer.interactionId);
          if (rating) ratingsToLink.push(refOf(rating));
        }
      },
    );
    if (rollups.size > 0)
      await this.store.enqueue(adapter.crm, 'rollup', [...rollups], this.clock());
    if (ratingsToLink.length > 0)
      await this.store.enqueue(adapter.crm, 'rating', ratingsToLink, this.clock());
  }

  private async syncRatings(adapter: CrmAdapter, jobs: readonly Job[]): Promise<void> {
    const businessHours = await this.options.businessHours?.();
    const ratings = await this.store.getRatings(jobs.map((j) => j.ref));
    const employees = await adapter.resolveUsers([
      ...new Set([...ratings.values()].map((r) => r.employeeEmail.toLowerCase())),
    ]);
    const writes: (RatingWrite & { job: Job })[] = [];
    const reviews: { answer: Answer; rating: { interactionId: string; rating: number } }[] = [];
    for (const job of jobs) {
      const rating = ratings.get(job.ref);
      if (!rating) {
        await this.store.complete([job.id], this.clock());
        continue;
      }
      const answer = await this.store.answerForInteraction(rating.interactionId);
      let answerCrmId: string | undefined;
      let dissonance;
      if (answer) {
        const state = (await this.store.syncStates(adapter.crm, 'answer', [refOf(answer)])).get(
          refOf(answer),
        );
        if (state?.state === 'pending') {
          await this.later(job, 'waiting for the answer of the same interaction to be written');
          continue;
        }
        answerCrmId = state?.crmId;
        const result = classifyDissonance(answer, rating.rating);
        dissonance = result.kind;
        const recent =
          this.clock() - Date.parse(answer.answeredAt) <=
          (this.options.callbackMaxAgeDays ?? 14) * DAY_MS;
        if (result.reviewWorthy && answerCrmId && recent)
          reviews.push({
            answer,
            rating: { interactionId: rating.interactionId, rating: rating.rating },
          });
      }
      const employeeId = employees.get(rating.employeeEmail.toLowerCase());
      writes.push({
        job,
        ref: job.ref,
        rating,
        ...(answerCrmId && { answerCrmId }),
        ...(employeeId && { employeeId }),
        ...(dissonance && { dissonance }),
      });
    }
    if (reviews.length > 0) {
      // The rating came after its answer: raise the dissonance reviews now, resolving in one batch.
      const rules = (await adapter.thresholdRules()).filter((rule) => rule.kind === 'dissonance');
      const touchpoints = await adapter.touchpoints();
      const resolutions = await adapter.resolve(
        reviews.map(({ answer }) => ({ ref: refOf(answer), answer })),
      );
      const now = new Date(this.clock()).toISOString();
      for (const { answer, rating } of reviews) {
        const alerts = evaluateThresholds({
          answer,
          rating,
          rules,
          now,
          touchpoints,
          ...(businessHours && { businessHours }),
        });
        await this.raiseCallbacks(
          adapter,
          answer,
          refOf(answer),
          alerts,
          resolutions.get(refOf(answer)) ?? {},
        );
      }
    }
    if (writes.length === 0) return;
    const results = await adapter.writeRatings(writes);
    await this.settle(
      adapter.crm,
      writes.map((w) => w.job),
      results,
      (job) => job.ref,
      async () => undefined,
    );
  }

  private async syncCallbacks(adapter: CrmAdapter, jobs: readonly Job[]): Promise<void> {
    const callbacks = await this.store.getCallbacks(jobs.map((j) => j.ref));
    const states = await this.store.syncStates(
      adapter.crm,
      'answer',
      [...callbacks.values()].map((c) => c.answerRef),
    );
    const writes: (CallbackWrite & { job: Job })[] = [];
    for (const job of jobs) {
      const callback = callbacks.get(job.ref);
      if (!callback) {
        await this.store.complete([job.id], this.clock());
        continue;
      }
      const answerState = states.get(callback.answerRef);
      if (answerState?.state === 'dead') {
        await this.retryOrDie(
          adapter.crm,
          job,
          false,
          `its answer ${callback.answerRef} could not be written to ${adapter.crm}`,
        );
        continue;
      }
      if (answerState?.state !== 'synced' || !answerState.crmId) {
        await this.later(job, 'waiting for its answer to be written');
        continue;
      }
      writes.push({
        job,
        callback,
        answerCrmId: answerState.crmId,
        resolution: {
          ...(callback.crmAccountId && { accountId: callback.crmAccountId }),
          ...(callback.crmContactId && { contactId: callback.crmContactId }),
        },
      });
    }
    if (writes.length === 0) return;
    const results = await adapter.writeCallbacks(writes);
    const rollups = new Set<string>();
    await this.settle(
      adapter.crm,
      writes.map((w) => w.job),
      results,
      (job) => job.ref,
      async (job, crmId) => {
        const write = writes.find((w) => w.job.id === job.id);
        if (!write) return;
        // Only the CRM id: a manager's update that landed during the write is kept (and queued).
        await this.store.updateCallback(write.callback.id, (current) =>
          current.crmId === crmId ? undefined : { ...current, crmId },
        );
        if (write.callback.crmAccountId)
          rollups.add(
            `${write.callback.crmAccountId}|${write.callback.accountKey ?? write.callback.crmAccountId}`,
          );
      },
    );
    if (rollups.size > 0)
      await this.store.enqueue(adapter.crm, 'rollup', [...rollups], this.clock());
  }

  private async syncRollups(adapter: CrmAdapter, jobs: readonly Job[]): Promise<void> {
    const now = new Date(this.clock()).toISOString();
    const since = new Date(this.clock() - 366 * DAY_MS).toISOString();
    const writes: (RollupWrite & { job: Job })[] = [];
    for (const job of jobs) {
      const [accountId, accountKey] = job.ref.split('|') as [string, string];
      const answers = await this.store.answersForAccount([accountKey, accountId], since);
      const summary = summarizeAccount(answers, { now });
      const nps = answers
        .filter((a) => a.metric === 'nps')
        .sort((a, b) => Date.parse(b.answeredAt) - Date.parse(a.answeredAt));
      const open = (await this.store.listCallbacks({ accountKey, now })).filter(
        (c) => c.crm === adapter.crm,
      ).length;
      const latest = new Map<string, { email: string; score: number; answeredAt: string }>();
      for (const answer of nps) {
        const email = answer.respondent?.email?.toLowerCase();
        if (email && !latest.has(email))
          latest.set(email, { email, score: answer.score, answeredAt: answer.answeredAt });
      }
      writes.push({
        job,
        accountId,
        summary,
        respondents: [...latest.values()],
        ...(nps[0] && { lastScore: nps[0].score }),
        openCallbacks: open,
        now,
      });
    }
    // The org-wide norm, from every answer of the rollups' window (not from what a user can see),
    // once per round, in the same calls as the rollups.
    const norm = npsFromCounts(
      await this.store.npsCountsSince(
        new Date(this.clock() - NORM_WINDOW_DAYS * DAY_MS).toISOString(),
      ),
    );
    const results = await adapter.writeRollups(writes, {
      id: 'org',
      scope: 'org',
      nps: norm.nps,
      margin: norm.margin,
      responses: norm.n,
      windowDays: NORM_WINDOW_DAYS,
      now,
    });
    const normResult = results.get(NORM_RESULT_KEY);
    if (normResult && !normResult.ok)
      this.logger.warn(
        { crm: adapter.crm, err: normResult.error.message },
        'could not write the org-wide norm; the next rollup round writes it again',
      );
    await this.settle(
      adapter.crm,
      jobs,
      results,
      (job) => job.ref.split('|')[0] as string,
      async () => undefined,
    );
  }

  /**
   * Escalates late callbacks (once) to the owner's manager, and queues their update. A callback
   * managers log in the CRM itself (Salesforce) is read back first: what they logged there is
   * taken into the store, and a callback they reached or closed is not escalated, so the update
   * never overwrites their work. When the CRM cannot be read, its callbacks wait for the next sweep.
   */
  async sweepEscalations(): Promise<number> {
    this.lastSweep = this.clock();
    // Replicas sharing a PostgreSQL store sweep one at a time: two sweeps reading the same open
    // callbacks could escalate one a manager just reached.
    return (await this.store.runExclusive('escalation-sweep', () => this.sweep())) ?? 0;
  }

  private async sweep(): Promise<number> {
    const now = new Date(this.clock()).toISOString();
    // Earliest due first, so the late ones are always among them.
    const open = await this.store.listCallbacks({ status: 'open', now, limit: 2000 });
    const logged = await this.crmStates(open);
    let escalated = 0;
    for (const stored of open) {
      if (!logged.has(stored.crm)) continue;
      let callback = stored;
      const state = logged.get(stored.crm)?.get(stored.id);
      if (state && isFurtherAlong(stored.status, state.status))
        callback = mergeCrmState(stored, state, now);
      const escalate = decideEscalation(callback, now).escalate;
      if (escalate)
        callback = {
          ...callback,
          status: 'escalated',
          escalatedAt: now,
          ...(callback.escalateTo && { assignee: callback.escalateTo }),
        };
      if (callback === stored) continue;
      // Compare-and-set on what was read before the read-back: a PATCH, a card or a logger update
      // that landed meanwhile wins, and this callback waits for the next sweep.
      const read = JSON.stringify(stored);
      const saved = await this.store.updateCallback(
        stored.id,
        (current) => (JSON.stringify(current) === read ? callback : undefined),
        escalate ? { enqueueAt: this.clock() } : {},
      );
      if (saved && escalate) escalated++;
    }
    if (escalated > 0) this.logger.info({ escalated }, 'escalated late callbacks');
    return escalated;
  }

  /**
   * Reads back the ratings employees entered in a CRM itself (Salesforce's npsResponseRating),
   * from a cursor kept in the store, and takes them in as ratings sent to the API are: stored
   * (an edited one replaces the stored one), then synced to every CRM, which links them to their
   * answer, raises the dissonance review and completes the CRM record. A CRM that cannot be read
   * leaves its cursor where it was: the next sweep reads the same records again.
   */
  async readBackRatings(): Promise<number> {
    // One replica at a time, as the escalation sweep: two would read and move the same cursor.
    return (await this.store.runExclusive('ratings-read-back', () => this.readRatings())) ?? 0;
  }

  private async readRatings(): Promise<number> {
    let taken = 0;
    for (const adapter of this.options.adapters) {
      if (!adapter.readRatings) continue;
      const cursorName = `${adapter.crm}.ratingsReadBackCursor`;
      const since = await this.store.getCursor(cursorName);
      let page;
      try {
        page = await adapter.readRatings(since);
      } catch (error) {
        this.logger.warn(
          { crm: adapter.crm, err: error instanceof Error ? error.message : String(error) },
          'could not read ratings back; they are read at the next sweep',
        );
        continue;
      }
      for (const problem of page.problems)
        this.logger.warn({ crm: adapter.crm, problem }, 'a rating in the CRM was left out');
      const now = this.clock();
      const { accepted, revised } = await this.store.reviseRatings(page.ratings, this.crms, now);
      if (page.cursor && page.cursor !== since) await this.store.setCursor(cursorName, page.cursor);
      if (accepted + revised > 0) {
        this.logger.info({ crm: adapter.crm, accepted, revised }, 'read ratings back');
        this.poke();
      }
      taken += accepted + revised;
    }
    return taken;
  }

  /**
   * Deletes done jobs older than the retention (`BOUCLE_JOB_RETENTION_DAYS`), a batch at a time,
   * so that the jobs table holds the open work and a bounded history, not every job ever run.
   */
  async pruneDoneJobs(): Promise<number> {
    const retentionMs = this.options.jobRetentionMs ?? 7 * DAY_MS;
    return this.store.pruneDoneJobs(this.clock() - retentionMs, 10_000);
  }

  /** Per CRM that could be consulted: the callbacks' states there (empty when it keeps none). */
  private async crmStates(
    callbacks: readonly StoredCallback[],
  ): Promise<Map<Crm, Map<string, CrmCallbackState>>> {
    const states = new Map<Crm, Map<string, CrmCallbackState>>();
    for (const crm of new Set(callbacks.map((c) => c.crm))) {
      const adapter = this.options.adapters.find((a) => a.crm === crm);
      if (!adapter) continue;
      if (!adapter.readCallbacks) {
        states.set(crm, new Map());
        continue;
      }
      const ids = callbacks.filter((c) => c.crm === crm && c.crmId).map((c) => c.id);
      try {
        states.set(crm, ids.length > 0 ? await adapter.readCallbacks(ids) : new Map());
      } catch (error) {
        this.logger.warn(
          { crm, err: error instanceof Error ? error.message : String(error) },
          'could not read callbacks back; escalation waits for the next sweep',
        );
      }
    }
    return states;
  }
}

/** A stored callback updated with what a manager logged in the CRM (closed at `now` if closed). */
function mergeCrmState(
  callback: StoredCallback,
  state: CrmCallbackState,
  now: string,
): StoredCallback {
  const closed = state.status === 'resolved' || state.status === 'closed_no_contact';
  const reachedAt = state.reachedAt ?? callback.reachedAt;
  const contacted = state.status !== 'open' && state.status !== 'escalated';
  return {
    ...callback,
    status: state.status,
    ...(reachedAt && { reachedAt }),
    // Salesforce keeps no attempt time: the first sweep that sees it is the closest known bound
    // (the creation time would count every such callback as contacted at once, within its SLA).
    ...(!callback.firstContactAt && contacted && { firstContactAt: reachedAt ?? now }),
    ...(state.outcome !== undefined && { outcome: state.outcome }),
    ...(state.rootCause !== undefined && { rootCause: state.rootCause }),
    ...(state.notes !== undefined && { notes: state.notes }),
    ...(state.followUpAction !== undefined && { followUpAction: state.followUpAction }),
    ...(closed && !callback.closedAt && { closedAt: now }),
  };
}

function classifyCategory(answer: Answer) {
  return classifyScore(answer.metric, answer.score);
}
