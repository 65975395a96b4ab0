import type { Answer, SurveyPressureSettings } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import type { Outbound } from '../outbound/index.ts';
import type { Store } from '../store/store.ts';
import { SurveyPressure } from './pressure.ts';
import { DEFAULT_FOLLOW_UP_DAYS, SurveyRequests } from './requests.ts';

export { SurveyPressure, type Permission } from './pressure.ts';
export { SurveyRequests } from './requests.ts';
export type { SurveyRequest } from './records.ts';

/** Whether an answer is beyond the caps: kept, flagged, and raising no callback. */
export type AnswerPressure = (answer: Answer, ref: string) => Promise<boolean>;

export interface SurveysOptions {
  readonly store: Store;
  readonly outbound: Outbound;
  readonly logger: Logger;
  /** The survey-pressure settings saved and enabled, or undefined (no caps then). */
  readonly savedCaps: () => Promise<SurveyPressureSettings | undefined>;
  readonly clock?: () => number;
  /** How often the follow-up sweep runs; 0: never (tests sweep by hand). Default a minute. */
  readonly sweepMs?: number;
}

/**
 * Survey pressure and survey requests, as the server runs them: the permission and request
 * services the API calls, the verdict the answer sync asks of each recent answer, and the sweep
 * that schedules follow-ups after resolved detractor callbacks and sends those due.
 */
export class Surveys {
  readonly pressure: SurveyPressure;
  readonly requests: SurveyRequests;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SurveysOptions) {
    this.clock = options.clock ?? Date.now;
    this.pressure = new SurveyPressure(options.store, options.savedCaps);
    this.requests = new SurveyRequests({
      store: options.store,
      pressure: this.pressure,
      outbound: options.outbound,
      logger: options.logger,
    });
  }

  /**
   * The verdict function for one batch of answers, with the caps read once: an answer that
   * follows a request links to it (and measures a follow-up's recovery).
   */
  async answerPressure(): Promise<AnswerPressure> {
    const caps = await this.options.savedCaps();
    return async (answer, ref) => {
      const verdict = await this.pressure.answerVerdict(answer, ref, caps, this.clock(), (id) =>
        this.requests.followed(id, answer, ref, this.clock()),
      );
      return verdict.flagged;
    };
  }

  /** Schedules the follow-ups of resolved detractor callbacks, then sends those due. */
  async sweep(nowMs = this.clock()): Promise<{ scheduled: number; sent: number }> {
    const caps = await this.options.savedCaps();
    const scheduled = await this.requests.scheduleFollowUps(
      nowMs,
      caps?.followUpDelayDays ?? DEFAULT_FOLLOW_UP_DAYS,
    );
    const sent = await this.requests.sendDueFollowUps(nowMs);
    return { scheduled, sent };
  }

  start(): void {
    const every = this.options.sweepMs ?? 60_000;
    if (every <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweeping = this.options.store
        // One replica sweeps at a time.
        .runExclusive('survey-follow-ups', () => this.sweep())
        .catch((error: Error) =>
          this.options.logger.warn({ err: error.message }, 'survey follow-up sweep failed'),
        );
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
