import { classifyScore, type Metric, type ScoreCategory } from './metrics.ts';
import {
  breakdownByTouchpoint,
  parseInstant,
  summarizeScores,
  trendBy,
  type GroupSummary,
  type ScoreSummary,
} from './groups.ts';
import { compareWithNorm, type NormComparison, type NpsWithMargin } from './norm.ts';
import type { NpsOptions } from './stats.ts';
import { journeySteps, type JourneyStep } from '../journey/steps.ts';
import { DEFAULT_TOUCHPOINTS, type Touchpoint } from '../journey/touchpoints.ts';

/** What an account summary needs of an answer. */
export interface SummaryAnswer {
  readonly id: string;
  readonly metric: Metric;
  readonly score: number;
  readonly answeredAt: string;
  readonly touchpoint?: string | undefined;
  readonly comment?: string | undefined;
  readonly language?: string | undefined;
}

/** A customer's verbatim as the cards show it: untrusted text, to be rendered as text only. */
export interface Verbatim {
  readonly answerId: string;
  readonly metric: Metric;
  readonly score: number;
  readonly category: ScoreCategory;
  readonly comment: string;
  readonly answeredAt: string;
  readonly touchpoint?: string;
  readonly language?: string;
}

/** The account card's content (Salesforce account page, HubSpot company card, summary API). */
export interface AccountSummary {
  /** The headline window: answers given in (from, to]. */
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly overall: ScoreSummary;
  /** Month by month over the trend window, oldest first, empty months included. */
  readonly trend: GroupSummary[];
  /** Per touchpoint label as sent, sorted by label. */
  readonly touchpoints: GroupSummary[];
  /**
   * The configured touchpoints in journey order, each against its targets, then the unknown
   * touchpoints answers used, then the answers without one.
   */
  readonly journey: JourneyStep[];
  /** Latest non-empty comments of the window, newest first. */
  readonly verbatims: Verbatim[];
  /** The norm (e.g. the org-wide NPS over the same window) and how the account compares. */
  readonly norm: (NpsWithMargin & { readonly comparison: NormComparison }) | null;
}

/** Options of an account summary. */
export interface AccountSummaryOptions extends NpsOptions {
  /** ISO 8601 instant the window ends. */
  readonly now: string;
  /** Days of the headline window; default 90. */
  readonly windowDays?: number;
  /** Months of the trend; default 12. */
  readonly trendMonths?: number;
  /** How many verbatims; default 5. */
  readonly verbatimCount?: number;
  /** The NPS the account is compared with. */
  readonly norm?: NpsWithMargin;
  /** The configured journey; default the shipped one ({@link DEFAULT_TOUCHPOINTS}). */
  readonly touchpoints?: readonly Touchpoint[];
}

const DAY_MS = 86_400_000;

/**
 * Summarizes one account's answers for its card: headline figures over a rolling window, the
 * monthly trend, the touchpoints, the latest verbatims and the comparison with the norm.
 * @param answers the account's answers (any period; the window is applied here)
 * @param options `now`, window sizes and the norm
 */
export function summarizeAccount(
  answers: readonly SummaryAnswer[],
  options: AccountSummaryOptions,
): AccountSummary {
  const windowDays = options.windowDays ?? 90;
  const nowMs = parseInstant(options.now, 'now');
  const fromMs = nowMs - windowDays * DAY_MS;
  const trendFromMs = Date.UTC(
    new Date(nowMs).getUTCFullYear(),
    new Date(nowMs).getUTCMonth() - ((options.trendMonths ?? 12) - 1),
    1,
  );
  const inWindow: SummaryAnswer[] = [];
  const inTrend: SummaryAnswer[] = [];
  for (const answer of answers) {
    const at = parseInstant(answer.answeredAt, 'answeredAt');
    if (at > nowMs) continue;
    if (at > fromMs) inWindow.push(answer);
    if (at >= trendFromMs) inTrend.push(answer);
  }
  const overall = summarizeScores(inWindow, options);
  const verbatims = inWindow
    .filter((answer) => answer.comment && answer.comment.trim() !== '')
    .sort(
      (a, b) => parseInstant(b.answeredAt, 'answeredAt') - parseInstant(a.answeredAt, 'answeredAt'),
    )
    .slice(0, options.verbatimCount ?? 5)
    .map((answer): Verbatim => ({
      answerId: answer.id,
      metric: answer.metric,
      score: answer.score,
      category: classifyScore(answer.metric, answer.score),
      comment: answer.comment as string,
      answeredAt: answer.answeredAt,
      ...(answer.touchpoint !== undefined && { touchpoint: answer.touchpoint }),
      ...(answer.language !== undefined && { language: answer.language }),
    }));
  const trend = trendBy(inTrend, 'month', {
    ...options,
    range: { from: new Date(trendFromMs).toISOString(), to: options.now },
  });
  return {
    window: {
      from: new Date(fromMs).toISOString(),
      to: new Date(nowMs).toISOString(),
      days: windowDays,
    },
    overall,
    trend,
    touchpoints: breakdownByTouchpoint(inWindow, options),
    journey: journeySteps(inWindow, options.touchpoints ?? DEFAULT_TOUCHPOINTS, options),
    verbatims,
    norm: options.norm
      ? { ...options.norm, comparison: compareWithNorm(overall, options.norm) }
      : null,
  };
}
