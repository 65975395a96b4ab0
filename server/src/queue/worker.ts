import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import { CrmError } from '../errors.ts';
import type { Job, JobKind, Store } from '../store/store.ts';
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
  /** Runs after each round of a CRM's loop (the periodic sweeps), inside its error handling. */
  readonly afterRound?: (adapter: CrmAdapter) => Promise<void>;
}

/**
 * A polling worker, one loop per CRM: claims a batch of due jobs (SKIP LOCKED on PostgreSQL),
 * renews their lease while it works, hands each kind to its handler, sleeps when there was
 * nothing to do until the idle delay passes or `poke()` wakes it. A handler that throws before
 * any per-record result (a read, the portal setup, the whole call refused) says nothing about the
 * records: they wait without spending an attempt, with a backoff that grows while the CRM keeps
 * failing.
 */
export class QueueWorker {
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: (() => void) | undefined;

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
        await this.options.afterRound?.(adapter);
      } catch (error) {
        this.options.logger.error(
          { crm: adapter.crm, err: (error as Error).message },
          'sync round failed',
        );
      }
      if (processed === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs);
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
    const { store, clock, workerId, leaseMs, outages, settlement, logger } = this.options;
    let jobs = await store.claim(adapter.crm, workerId, adapter.batchSize, leaseMs, clock());
    // A full round is a backlog: a CRM with a bulk API takes a bigger one (a backfill's job).
    const backlog = adapter.backlogBatchSize ?? 0;
    if (jobs.length >= adapter.batchSize && backlog > jobs.length)
      jobs = jobs.concat(
        await store.claim(adapter.crm, workerId, backlog - jobs.length, leaseMs, clock()),
      );
    if (jobs.length === 0) return 0;
    const ids = jobs.map((j) => j.id);
    const heartbeat = setInterval(() => {
      store.heartbeat(ids, workerId, leaseMs, clock()).catch(() => undefined);
    }, this.options.heartbeatMs);
    try {
      for (const [kind, handle] of this.options.handlers) {
        const ofKind = jobs.filter((j) => j.kind === kind);
        if (ofKind.length === 0) continue;
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
          for (const job of ofKind)
            await settlement.later(
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
}
