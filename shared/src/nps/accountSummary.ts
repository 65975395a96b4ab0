import {
  assertValidScore,
  classifyScore,
  isValidScore,
  type Metric,
  type ScoreCategory,
} from './metrics.ts';
import {
  addTallies,
  parseInstant,
  periodKey,
  UNSPECIFIED_KEY,
  type GroupSummary,
  type ScoreSummary,
  type Tally,
} from './groups.ts';
import { compareWithNorm, type NormComparison, type NpsWithMargin } from './norm.ts';
import type { NpsOptions } from './stats.ts';
import { summaryOfCountedTally } from './counted.ts';
import { journeyStepsOfLabels, type JourneyStep } from '../journey/steps.ts';
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
  const frame = frameOf(options);
  const counts = newCounts(frame);
  for (const answer of answers) count(frame, counts, answer);
  return summaryOfCounts(frame, counts, options);
}

/**
 * Summarizes many accounts' answers at once, in one pass over them in the order given (cheaper
 * than grouping them by account first for {@link summarizeAccount}: each answer is read once, in
 * place). Each account's summary equals `summarizeAccount` of its answers. An invalid date is
 * reported as soon as it is read; an invalid score, once every date has been read, for the first
 * account (in order of first answer) that has one.
 * @param answers the answers of every account, in any order
 * @param accountOf the account of an answer
 * @param options `now`, window sizes and the norm, the same for every account
 * @returns one summary per account, in order of first answer
 */
export function summarizeAccounts<A extends SummaryAnswer>(
  answers: Iterable<A>,
  accountOf: (answer: A) => string,
  options: AccountSummaryOptions,
): Map<string, AccountSummary> {
  const frame = frameOf(options);
  const byAccount = new Map<string, Counts>();
  for (const answer of answers) {
    const account = accountOf(answer);
    let counts = byAccount.get(account);
    if (!counts) {
      counts = newCounts(frame);
      byAccount.set(account, counts);
    }
    count(frame, counts, answer);
  }
  const summaries = new Map<string, AccountSummary>();
  for (const [account, counts] of byAccount)
    summaries.set(account, summaryOfCounts(frame, counts, options));
  return summaries;
}

/** The instants a summary's figures are cut at, from its options. */
interface Frame {
  readonly windowDays: number;
  readonly nowMs: number;
  readonly fromMs: number;
  readonly trendFromMs: number;
  /**
   * The first instant of each month of the trend, then of the month after: an answer's month is
   * found by comparing numbers, not by building its "YYYY-MM" key.
   */
  readonly monthStarts: readonly number[];
}

/** What a summary counts of an account's answers, one answer at a time. */
interface Counts {
  /** The window's counts, then each trend month's: {@link SLOTS} numbers each. */
  readonly counts: Float64Array;
  /** Per touchpoint label as sent (`undefined` for none), in the order labels first appear. */
  readonly byLabel: Map<string | undefined, Float64Array>;
  readonly commented: { readonly answer: SummaryAnswer; readonly at: number }[];
  /**
   * The first invalid score of the window, else of the rest of the trend: the one the figures
   * would have stopped at, reported once every date has been read.
   */
  invalidInWindow: SummaryAnswer | undefined;
  invalidInTrend: SummaryAnswer | undefined;
  /** The trend month of the previous answer: answers often come in date order. */
  month: number;
}

function frameOf(options: AccountSummaryOptions): Frame {
  const windowDays = options.windowDays ?? 90;
  const nowMs = parseInstant(options.now, 'now');
  const trendFromMs = Date.UTC(
    new Date(nowMs).getUTCFullYear(),
    new Date(nowMs).getUTCMonth() - ((options.trendMonths ?? 12) - 1),
    1,
  );
  return {
    windowDays,
    nowMs,
    fromMs: nowMs - windowDays * DAY_MS,
    trendFromMs,
    monthStarts: trendFromMs <= nowMs ? monthStartsBetween(trendFromMs, nowMs) : [],
  };
}

function newCounts(frame: Frame): Counts {
  return {
    counts: new Float64Array(SLOTS * Math.max(1, frame.monthStarts.length)),
    byLabel: new Map(),
    commented: [],
    invalidInWindow: undefined,
    invalidInTrend: undefined,
    month: 0,
  };
}

/** Counts one answer where it belongs: its date is parsed once, here. */
function count(frame: Frame, counts: Counts, answer: SummaryAnswer): void {
  const at = parseInstant(answer.answeredAt, 'answeredAt');
  if (at > frame.nowMs) return;
  const inWindow = at > frame.fromMs;
  const inTrend = at >= frame.trendFromMs;
  if (!inWindow && !inTrend) return;
  if (!scoreIsValid(answer)) {
    if (inWindow) counts.invalidInWindow ??= answer;
    else counts.invalidInTrend ??= answer;
    return;
  }
  if (inTrend) {
    const starts = frame.monthStarts;
    let month = counts.month;
    while (at < (starts[month] as number)) month--;
    while (at >= (starts[month + 1] as number)) month++;
    counts.month = month;
    countValid(counts.counts, SLOTS * (month + 1), answer);
  }
  if (!inWindow) return;
  countValid(counts.counts, 0, answer);
  let tally = counts.byLabel.get(answer.touchpoint);
  if (!tally) {
    tally = new Float64Array(SLOTS);
    counts.byLabel.set(answer.touchpoint, tally);
  }
  countValid(tally, 0, answer);
  if (answer.comment && answer.comment.trim() !== '') counts.commented.push({ answer, at });
}

function summaryOfCounts(
  frame: Frame,
  counts: Counts,
  options: AccountSummaryOptions,
): AccountSummary {
  const { invalidInWindow, invalidInTrend } = counts;
  if (invalidInWindow) assertValidScore(invalidInWindow.metric, invalidInWindow.score);
  const byLabel = new Map<string | undefined, Tally>();
  for (const [label, slots] of counts.byLabel) byLabel.set(label, tallyAt(slots, 0));
  const overall = summaryOfCountedTally(tallyAt(counts.counts, 0), options);
  const verbatims = counts.commented
    .sort((a, b) => b.at - a.at)
    .slice(0, options.verbatimCount ?? 5)
    .map(({ answer }): Verbatim => ({
      answerId: answer.id,
      metric: answer.metric,
      score: answer.score,
      category: classifyScore(answer.metric, answer.score),
      comment: answer.comment as string,
      answeredAt: answer.answeredAt,
      ...(answer.touchpoint !== undefined && { touchpoint: answer.touchpoint }),
      ...(answer.language !== undefined && { language: answer.language }),
    }));
  // As a trend over a range would: the range's start must be an instant.
  new Date(frame.trendFromMs).toISOString();
  if (invalidInTrend) assertValidScore(invalidInTrend.metric, invalidInTrend.score);
  const trend = frame.monthStarts.slice(1).map((_, index): GroupSummary => ({
    key: periodKey(frame.monthStarts[index] as number, 'month'),
    ...summaryOfCountedTally(tallyAt(counts.counts, SLOTS * (index + 1)), options),
  }));
  return {
    window: {
      from: new Date(frame.fromMs).toISOString(),
      to: new Date(frame.nowMs).toISOString(),
      days: frame.windowDays,
    },
    overall,
    trend,
    touchpoints: touchpointsOfLabels(byLabel, options),
    journey: journeyStepsOfLabels(byLabel, options.touchpoints ?? DEFAULT_TOUCHPOINTS, options),
    verbatims,
    norm: options.norm
      ? { ...options.norm, comparison: compareWithNorm(overall, options.norm) }
      : null,
  };
}

/**
 * Whether an answer's score is an integer in its metric's range, as {@link isValidScore} tells,
 * without throwing for an unknown metric: the caller reports it after reading every date.
 */
function scoreIsValid(answer: SummaryAnswer): boolean {
  const { metric, score } = answer;
  if (!Number.isInteger(score)) return false;
  if (metric === 'nps') return score >= 0 && score <= 10;
  if (metric === 'csat' || metric === 'ces') return isValidScore(metric, score);
  return false;
}

// A tally as numbers side by side (promoters, passives, detractors, CSAT answers, CSAT satisfied,
// CES answers, CES sum), so that counting an answer touches no object.
const SLOTS = 7;

/** {@link addToTally} for an answer whose score is known to be valid, into `slots` at `at`. */
function countValid(slots: Float64Array, at: number, answer: SummaryAnswer): void {
  const score = answer.score;
  if (answer.metric === 'nps') slots[at + (score <= 6 ? 2 : score <= 8 ? 1 : 0)]!++;
  else if (answer.metric === 'csat') {
    slots[at + 3]!++;
    if (score >= 4) slots[at + 4]!++;
  } else {
    slots[at + 5]!++;
    slots[at + 6]! += score;
  }
}

/** The {@link Tally} of the slots at `at`. */
function tallyAt(slots: Float64Array, at: number): Tally {
  return {
    promoters: slots[at] as number,
    passives: slots[at + 1] as number,
    detractors: slots[at + 2] as number,
    csatN: slots[at + 3] as number,
    csatSatisfied: slots[at + 4] as number,
    cesN: slots[at + 5] as number,
    cesSum: slots[at + 6] as number,
  };
}

/** The first instant of every month from `fromMs`'s to `toMs`'s, then of the month after. */
function monthStartsBetween(fromMs: number, toMs: number): number[] {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const count =
    (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth() + 1;
  return Array.from({ length: count + 1 }, (_, index) =>
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + index, 1),
  );
}

/** {@link breakdownByTouchpoint} from the tallies per label: no label and "" are unspecified. */
function touchpointsOfLabels(
  byLabel: ReadonlyMap<string | undefined, Tally>,
  options: NpsOptions,
): GroupSummary[] {
  const tallies = new Map<string, Tally>();
  for (const [label, tally] of byLabel) {
    const key = label || UNSPECIFIED_KEY;
    const known = tallies.get(key);
    if (known) addTallies(known, tally);
    else tallies.set(key, { ...tally });
  }
  return [...tallies.keys()]
    .sort()
    .map((key) => ({ key, ...summaryOfCountedTally(tallies.get(key) as Tally, options) }));
}
