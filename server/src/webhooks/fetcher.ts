import { randomUUID } from 'node:crypto';
import { answerSchema, describeIssues } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { WebhooksConfig } from '../config/config.ts';
import type { Crm, Job, Store } from '../store/store.ts';
import { backoffMs } from '../queue/backoff.ts';
import {
  qualtricsAnswer,
  qualtricsResponseSchema,
  surveyMonkeyAnswer,
  surveyMonkeyResponseSchema,
  surveyMonkeySurveySchema,
} from './vendors.ts';

/** A survey or response id as SurveyMonkey and Qualtrics write them: safe in a URL path. */
export const VENDOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
const isVendorId = (id: string | undefined): id is string => id !== undefined && VENDOR_ID.test(id);

/** A vendor API answer that tells whether trying again can help. */
class FetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly waitMs?: number,
  ) {
    super(message);
  }
}

export interface FetcherOptions {
  readonly store: Store;
  readonly crms: readonly Crm[];
  readonly config: WebhooksConfig;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly backoffBaseMs?: number;
  readonly idleMs?: number;
  readonly maxAttempts?: number;
}

/**
 * Fetches the responses that SurveyMonkey and Qualtrics only announce (their webhooks carry ids):
 * jobs of the `fetch` queue, `surveymonkey:<survey>:<response>` or `qualtrics:<survey>:<response>`,
 * with the queue's leases, backoff and dead letters. A fetched response becomes an answer like any
 * other, synced to the CRMs.
 */
export class VendorFetcher {
  private readonly clock: () => number;
  private readonly workerId = `fetcher-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly surveys = new Map<string, unknown>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FetcherOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const done = await this.runOnce().catch((error: Error) => {
          this.options.logger.error({ err: error.message }, 'fetch round failed');
          return 0;
        });
        if (done === 0 && this.running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.options.idleMs ?? 250);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
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

  /**
   * GETs a vendor API resource with its credential. Redirects are followed by hand, only within
   * the vendor's origin (scheme, host and port of `url`), so that the credential never reaches
   * another host; a redirect elsewhere is refused.
   */
  private async get(url: string, headers: Record<string, string>): Promise<unknown> {
    const origin = new URL(url).origin;
    let response: Response;
    let target = url;
    for (let hops = 0; ; hops++) {
      try {
        response = await fetch(target, {
          headers: { accept: 'application/json', ...headers },
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new FetchError(
          `cannot reach ${new URL(target).host}: ${(error as Error).message}`,
          true,
        );
      }
      if (response.status < 300 || response.status > 399) break;
      const location = response.headers.get('location');
      const next = location ? new URL(location, target) : undefined;
      if (!next || next.origin !== origin)
        throw new FetchError(
          `${new URL(target).host} redirected to ${next?.origin ?? 'nowhere'}: Boucle follows redirects only within ${origin}, so that its credential stays there`,
          false,
        );
      if (hops >= 3) throw new FetchError(`${origin} redirected more than 3 times`, false);
      target = next.href;
    }
    if (response.ok) return response.json();
    const retryAfter = response.headers.get('retry-after');
    const retryable = response.status === 429 || response.status >= 500;
    throw new FetchError(
      `${new URL(url).host} answered ${response.status}`,
      retryable,
      retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined,
    );
  }

  private async fetchAnswer(ref: string): Promise<unknown> {
    const [source, surveyId, responseId, ...rest] = ref.split(':');
    // Ids go into URL paths: only plain id characters, never "..", "/", ":" or "%".
    if (rest.length > 0 || !isVendorId(surveyId) || !isVendorId(responseId))
      throw new FetchError(`${ref} does not name a survey and a response by plain ids`, false);
    const { config } = this.options;
    if (source === 'surveymonkey') {
      const sm = config.surveymonkey;
      if (!sm?.accessToken)
        throw new FetchError(
          'SURVEYMONKEY_ACCESS_TOKEN is not set: cannot fetch the response',
          false,
        );
      const auth = { authorization: `Bearer ${sm.accessToken}` };
      const base = `${sm.apiUrl}/v3/surveys/${encodeURIComponent(surveyId)}`;
      if (!this.surveys.has(surveyId))
        this.surveys.set(
          surveyId,
          surveyMonkeySurveySchema.parse(await this.get(`${base}/details`, auth)),
        );
      const response = surveyMonkeyResponseSchema.safeParse(
        await this.get(`${base}/responses/${encodeURIComponent(responseId)}/details`, auth),
      );
      if (!response.success)
        throw new FetchError(
          `the SurveyMonkey response is not in the documented shape: ${describeIssues(response.error)}`,
          false,
        );
      return surveyMonkeyAnswer(
        response.data,
        this.surveys.get(surveyId) as Parameters<typeof surveyMonkeyAnswer>[1],
      );
    }
    const q = config.qualtrics;
    if (!q?.apiToken || !q.apiUrl)
      throw new FetchError(
        'QUALTRICS_API_TOKEN and QUALTRICS_API_URL are needed to fetch the response',
        false,
      );
    const response = qualtricsResponseSchema.safeParse(
      await this.get(
        `${q.apiUrl}/API/v3/surveys/${encodeURIComponent(surveyId)}/responses/${encodeURIComponent(responseId)}`,
        { 'x-api-token': q.apiToken },
      ),
    );
    if (!response.success)
      throw new FetchError(
        `the Qualtrics response is not in the documented shape: ${describeIssues(response.error)}`,
        false,
      );
    return qualtricsAnswer(response.data);
  }

  /** Fetches one batch of due responses; returns how many jobs it settled. */
  async runOnce(): Promise<number> {
    const { store } = this.options;
    const jobs: Job[] = await store.claim('fetch', this.workerId, 20, 60_000, this.clock());
    for (const job of jobs) {
      try {
        const answer = answerSchema.safeParse(await this.fetchAnswer(job.ref));
        if (!answer.success)
          throw new FetchError(
            `the response does not map to an answer: ${describeIssues(answer.error)}`,
            false,
          );
        await store.ingestAnswers([answer.data], this.options.crms, this.clock());
        await store.complete([job.id], this.clock());
      } catch (error) {
        const fetchError =
          error instanceof FetchError ? error : new FetchError((error as Error).message, true);
        if (!fetchError.retryable) await store.deadLetter(job.id, fetchError.message, this.clock());
        else
          await store.retry(
            job.id,
            fetchError.message,
            backoffMs(
              job.attempts,
              (this.options.random ?? Math.random)(),
              fetchError.waitMs,
              this.options.backoffBaseMs,
            ),
            this.clock(),
            { countAttempt: true, maxAttempts: this.options.maxAttempts ?? 20 },
          );
        this.options.logger.warn(
          { ref: job.ref, retryable: fetchError.retryable, err: fetchError.message },
          'survey response fetch failed',
        );
      }
    }
    return jobs.length;
  }
}
