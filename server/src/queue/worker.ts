import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import { CrmError } from '../errors.ts';
import type { Crm, Job, JobKind, Store } from '../store/store.ts';
import { retried } from '../store/settle.ts';
import type { OutageStreaks } from './outage.ts';
import type { Settlement } from './settlement.ts';

/** Writes a batch of jobs of one kind to one CRM and settles each of them. */
export type JobHandler = (adapter: CrmAdapter, jobs: readonly Job[]) => Promise<void>;

export interface WorkerOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly workerId: string;
  readonly settlement: Settlement;
  readonly outages: OutageStreaks;
  /** One handler per job kind, run in this order within a claimed batch. */
  readonly handlers: readonly (readonly [JobKind, JobHandler])[];
  /** A claimed job is taken again by another worker if its lease is not renewed in time. */
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** How long an idle loop waits before it polls again, unless poked. */
  readonly idleMs: number;
  /**
   * The round size while there is no backlog: a few jobs are flushed as soon as they are due. A
   * round that fills its claim means a backlog: the next claims what fills the CRM's write calls
   * (`callSize`), then twice as many each time, up to the adapter's batch.
   */
  readonly flushSize: number;
  /**
   * The most jobs of a kind other than answers worked in one step (at least the adapter's
   * `callSize`): between two steps, answers that arrived meanwhile (the loop was poked) are worked
   * first, in a short round of their own.
   */
  readonly stepSize: number;
  /**
   * After a round that emptied what was due (its claim was not full), the loop waits this long
   * before it claims again, pokes notwithstanding: answers arriving in a steady stream then share
   * write calls (about one call per kind per CRM per window) instead of one round each. The first
   * answer after a quiet spell still goes out at once (an idle loop wakes on a poke); latency
   * grows by at most this window. 0 turns it off.
   */
  readonly fillMs: number;
  /** Runs after each round of a CRM's loop (the periodic sweeps), inside its error handling. */
  readonly afterRound?: (adapter: CrmAdapter) => Promise<void>;
}

/**
 * A polling worker, one loop per CRM: claims a batch of due jobs (SKIP LOCKED on PostgreSQL;
 * answers first), renews their lease while it works, hands each kind to its handler, sleeps when
 * there was nothing to do until the idle delay passes or `poke()` wakes it.
 *
 * Without a backlog a round claims `flushSize` jobs, so that a new answer is written at once.
 * After a round that filled its claim, the next claims what fills the CRM's write calls, then
 * twice as many each time, up to the adapter's batch: calls stay at the floor under a backlog,
 * and no round of thousands of jobs prepares for a minute before its first write (which a killed
 * worker would lose whole). A long round (rollups) works its other kinds in steps of `stepSize`,
 * and answers accepted meanwhile (the loop was poked) go between two steps.
 *
 * A handler that throws before any per-record result (a read, the portal setup, the whole call
 * refused) says nothing about the records: they wait without spending an attempt, with a backoff
 * that grows while the CRM keeps failing.
 */
export class QueueWorker {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly wakes = new Set<() => void>();
  /** How many jobs each CRM's next round claims: doubled after a full claim. */
  private readonly claimSize = new Map<Crm, number>();
  /** Counts `poke()`s: a round poked since its last step works the new answers first. */
  private pokes = 0;
  /** Whether each CRM's last round emptied what was due (a flush, not a backlog). */
  private readonly flushed = new Map<Crm, boolean>();
  /** Ends the fill windows being waited (on stop). */
  private readonly fills = new Set<() => void>();

  constructor(private readonly options: WorkerOptions) {}

  /** Starts one loop per adapter once `ready` settles; they run until `stop()`. */
  start(adapters: readonly CrmAdapter[], ready: Promise<void> = Promise.resolve()): void {
    if (this.running) return;
    this.running = true;
    this.loops = adapters.map((adapter) => ready.then(() => this.loop(adapter)));
  }

  get started(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakes) wake();
    for (const end of this.fills) end();
    await Promise.all(this.loops);
  }

  /** Wakes idle loops (new work was queued). */
  poke(): void {
    this.pokes += 1;
    for (const wake of this.wakes) wake();
  }

  private async loop(adapter: CrmAdapter): Promise<void> {
    while (this.running) {
      let processed = 0;
      try {
        processed = await this.runOnce(adapter);
        await this.options.afterRound?.(adapter);
      } catch (error) {
        this.options.logger.error(
          { crm: adapter.crm, err: (error as Error).message },
          'sync round failed',
        );
      }
      if (processed > 0 && this.flushed.get(adapter.crm) && this.options.fillMs > 0 && this.running)
        await new Promise<void>((resolve) => {
          const end = () => {
            clearTimeout(timer);
            this.fills.delete(end);
            resolve();
          };
          const timer = setTimeout(end, this.options.fillMs);
          this.fills.add(end);
        });
      else if (processed === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.wakes.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, this.options.idleMs);
          this.wakes.add(wake);
        });
      }
    }
  }

  /** Processes one batch of due jobs of a CRM; returns how many jobs it settled. */
  async runOnce(adapter: CrmAdapter): Promise<number> {
    const { store, clock, workerId, leaseMs, flushSize, stepSize } = this.options;
    const limit = Math.min(this.claimSize.get(adapter.crm) ?? flushSize, adapter.batchSize);
    const round = { pokes: this.pokes };
    let jobs = await store.claim(adapter.crm, workerId, limit, leaseMs, clock());
    // What was due fits the next claim. A full claim means a backlog: the next claims what fills
    // the CRM's write calls, then twice as many each time it is full again.
    const grown = Math.max(limit * 2, adapter.callSize ?? flushSize);
    this.claimSize.set(
      adapter.crm,
      Math.max(flushSize, jobs.length >= limit ? grown : jobs.length),
    );
    this.flushed.set(adapter.crm, jobs.length < limit);
    // A round at the adapter's full batch is a backfill: a CRM with a bulk API takes a bigger one
    // (one bulk job).
    const bulk = adapter.backlogBatchSize ?? 0;
    if (limit >= adapter.batchSize && jobs.length >= limit && bulk > jobs.length)
      jobs = jobs.concat(
        await store.claim(adapter.crm, workerId, bulk - jobs.length, leaseMs, clock()),
      );
    if (jobs.length === 0) return 0;
    const held = new Set(jobs.map((j) => j.id));
    const heartbeat = setInterval(() => {
      store.heartbeat([...held], workerId, leaseMs, clock()).catch(() => undefined);
    }, this.options.heartbeatMs);
    let worked = jobs.length;
    try {
      for (const [kind, handle] of this.options.handlers) {
        const ofKind = jobs.filter((j) => j.kind === kind);
        // A step is never smaller than one full write call of the CRM.
        const size = kind === 'answer' ? ofKind.length : Math.max(stepSize, adapter.callSize ?? 0);
        for (let i = 0; i < ofKind.length; i += size) {
          if (i > 0) worked += await this.answersBetweenSteps(adapter, held, round);
          await this.step(adapter, kind, handle, ofKind.slice(i, i + size));
        }
        if (kind !== 'answer' && ofKind.length > 0)
          worked += await this.answersBetweenSteps(adapter, held, round);
      }
    } finally {
      clearInterval(heartbeat);
    }
    return worked;
  }

  /**
   * When the loop was poked during a step (new answers were accepted), a short round of
   * `flushSize` due jobs (answers first) before the round's next step; its jobs are held with the
   * round's, under the same heartbeat.
   */
  private async answersBetweenSteps(
    adapter: CrmAdapter,
    held: Set<number>,
    round: { pokes: number },
  ): Promise<number> {
    if (round.pokes === this.pokes) return 0;
    round.pokes = this.pokes;
    const { store, clock, workerId, leaseMs, flushSize } = this.options;
    const jobs = await store.claim(adapter.crm, workerId, flushSize, leaseMs, clock());
    for (const job of jobs) held.add(job.id);
    for (const [kind, handle] of this.options.handlers) {
      const ofKind = jobs.filter((j) => j.kind === kind);
      if (ofKind.length > 0) await this.step(adapter, kind, handle, ofKind);
    }
    return jobs.length;
  }

  /**
   * One kind's jobs through its handler. A handler that throws before any per-record result
   * leaves its records waiting without an attempt, with the outage's growing backoff.
   */
  private async step(
    adapter: CrmAdapter,
    kind: JobKind,
    handle: JobHandler,
    ofKind: readonly Job[],
  ): Promise<void> {
    const { outages, settlement, logger } = this.options;
    outages.beginStep(adapter.crm);
    try {
      await handle(adapter, ofKind);
      outages.endStep(adapter.crm);
    } catch (error) {
      const crmError =
        error instanceof CrmError
          ? error
          : new CrmError('error', (error as Error).message ?? String(error), true);
      const delay = outages.delay(adapter.crm, crmError);
      logger.warn(
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
      const reason = `${crmError.code ?? 'error'}: ${crmError.message ?? String(error)}`;
      for (const job of ofKind) await settlement.later(job, reason, delay);
      const at = this.options.clock();
      await this.options.store.logMany(
        ofKind.map((job) => ({
          crm: adapter.crm,
          kind,
          ref: job.ref,
          outcome: 'retried',
          detail: retried(job, reason, delay, false),
          at,
        })),
      );
    }
  }
}
