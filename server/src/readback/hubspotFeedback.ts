import { answerSchema, describeIssues, type Answer } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { HubSpotAdapter } from '../crm/hubspot/adapter.ts';
import type { Crm, Store } from '../store/store.ts';
import { hubspotFeedbackAnswer } from '../webhooks/vendors.ts';

const CURSOR = 'hubspot.feedback';

/**
 * Polls HubSpot's feedback submissions (Service Hub surveys have no webhook) on a schedule, from a
 * cursor kept in the store: a first run looks back 30 days, later ones from the newest submission
 * seen. Submissions become answers of the source `hubspot`, synced like any other.
 */
export class HubSpotFeedbackPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly options: {
      store: Store;
      hubspot: HubSpotAdapter;
      crms: readonly Crm[];
      logger: Logger;
      intervalMs: number;
      clock?: () => number;
    },
  ) {}

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(
      () => void this.pollOnce().catch(() => undefined),
      this.options.intervalMs,
    );
    this.timer.unref();
    void this.pollOnce().catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One poll: every page of new submissions; returns how many answers were stored. */
  pollOnce(): Promise<number> {
    // Replicas sharing a PostgreSQL store poll one at a time, from the one cursor.
    this.running ??= this.options.store
      .runExclusive('hubspot-feedback-poll', () => this.poll())
      .then((stored) => stored ?? 0)
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async poll(): Promise<number> {
    const { store, hubspot, logger } = this.options;
    const clock = this.options.clock ?? Date.now;
    let cursor =
      (await store.getCursor(CURSOR)) ?? new Date(clock() - 30 * 86_400_000).toISOString();
    let stored = 0;
    try {
      for (;;) {
        const page = await hubspot.feedbackSince(cursor);
        if (page.length === 0) break;
        const answers: Answer[] = [];
        for (const submission of page) {
          const parsed = answerSchema.safeParse(hubspotFeedbackAnswer(submission));
          if (parsed.success) answers.push(parsed.data);
          else if (hubspotFeedbackAnswer(submission))
            logger.warn(
              { submission: submission.id, problems: describeIssues(parsed.error) },
              'HubSpot feedback submission skipped',
            );
        }
        stored += (await store.ingestAnswers(answers, this.options.crms, clock())).accepted;
        cursor = page[page.length - 1]?.createdAt ?? cursor;
        await store.setCursor(CURSOR, cursor);
      }
    } catch (error) {
      // Missing scope or a portal below Service Hub Professional: said once per poll, retried later.
      logger.warn({ err: (error as Error).message }, 'HubSpot feedback poll failed');
      throw error;
    }
    return stored;
  }
}
