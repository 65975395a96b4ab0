import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { backoffMs } from '../queue/backoff.ts';
import type { Job, Store } from '../store/store.ts';
import type { OutboundConfig } from './config.ts';
import { getEvents, markEvent, type OutboundRecord } from './records.ts';
import { standardWebhookHeaders } from './sign.ts';

export interface DeliveryOptions {
  readonly store: Store;
  readonly config: OutboundConfig;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
  /** First retry delay, doubled each attempt up to 15 minutes (`backoffMs`). */
  readonly backoffBaseMs?: number;
  /**
   * Attempts before a delivery is dead-lettered: 24 by default, about four and a half hours of
   * retries (2 s doubling to 15 min), past a receiver's deploy or a short outage.
   */
  readonly maxAttempts?: number;
  /** How long a receiver may take to answer one attempt. */
  readonly timeoutMs?: number;
  readonly idleMs?: number;
}

/** The body of a delivery: what Standard Webhooks calls the payload, `{type, timestamp, data}`. */
export function deliveryBody(event: OutboundRecord): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.createdAt).toISOString(),
    data: event.data,
  });
}

/** A failed attempt: what the receiver said, and how long it asked to wait. */
class DeliveryError extends Error {
  constructor(
    message: string,
    readonly waitMs?: number,
  ) {
    super(message);
  }
}

/**
 * Delivers outbound events: jobs of the `outbound` queue, one per event, POSTed as JSON signed
 * per Standard Webhooks. A 2xx is delivered; anything else (a refusal, a redirect, a timeout,
 * the network) is retried with the queue's backoff (a `Retry-After` is a floor) and dead-lettered
 * after `maxAttempts`, where `dead-letters list|replay` finds it. Its own loop and queue: a
 * receiver that is down never holds up a CRM sync.
 */
export class OutboundDeliveries {
  private readonly clock: () => number;
  private readonly workerId = `outbound-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: DeliveryOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const done = await this.runOnce().catch((error: Error) => {
          this.options.logger.error({ err: error.message }, 'outbound delivery round failed');
          return 0;
        });
        if (done === 0 && this.running)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.options.idleMs ?? 1_000);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  poke(): void {
    this.wake?.();
  }

  /** Delivers the due events (at most 20, concurrently); returns how many jobs it settled. */
  async runOnce(): Promise<number> {
    const { store } = this.options;
    // The lease outlasts every attempt of the round: each is cut at `timeoutMs`.
    const leaseMs = (this.options.timeoutMs ?? 10_000) * 3;
    const jobs = await store.claim('outbound', this.workerId, 20, leaseMs, this.clock());
    if (jobs.length === 0) return 0;
    const events = await getEvents(
      store.dialect,
      jobs.map((job) => job.ref),
    );
    await Promise.all(jobs.map((job) => this.deliver(job, events.get(job.ref))));
    return jobs.length;
  }

  private async deliver(job: Job, event: OutboundRecord | undefined): Promise<void> {
    const { store, logger } = this.options;
    const endpoint = event && this.options.config[event.target];
    if (!event || !endpoint) {
      // The event is gone, or its target lost its URL since: nothing to send.
      await store.complete([job.id], this.clock());
      return;
    }
    try {
      await this.post(endpoint.url, endpoint.secret, event);
      await markEvent(store.dialect, event.id, { status: 'delivered', now: this.clock() });
      await store.complete([job.id], this.clock());
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError((error as Error).message);
      const now = this.clock();
      const maxAttempts = this.options.maxAttempts ?? 24;
      const verdict = await store.retry(
        job.id,
        failure.message,
        backoffMs(
          job.attempts,
          (this.options.random ?? Math.random)(),
          failure.waitMs,
          this.options.backoffBaseMs,
        ),
        now,
        { countAttempt: true, maxAttempts },
      );
      const message =
        verdict === 'dead' ? `after ${maxAttempts} attempts: ${failure.message}` : failure.message;
      await markEvent(store.dialect, event.id, {
        status: verdict === 'dead' ? 'dead' : 'pending',
        error: message,
        now,
      });
      logger.warn(
        { id: event.id, target: event.target, type: event.type, dead: verdict === 'dead' },
        `outbound delivery failed: ${message}`,
      );
    }
  }

  private async post(url: string, secret: string, event: OutboundRecord): Promise<void> {
    const body = deliveryBody(event);
    // Signed at each attempt: the receiver checks the timestamp against its own clock.
    const headers = standardWebhookHeaders(secret, event.id, Math.floor(this.clock() / 1000), body);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Boucle-Webhooks/1',
          ...headers,
        },
        body,
        // A redirect is a failure, never followed: the receiver's URL is the one configured.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message;
      throw new DeliveryError(
        `cannot reach ${new URL(url).host}: ${cause ?? (error as Error).message}`,
      );
    }
    // The receiver's body is not read further: only its status counts.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return;
    const retryAfter = response.headers.get('retry-after');
    throw new DeliveryError(
      `${new URL(url).host} answered ${response.status}`,
      retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined,
    );
  }
}
