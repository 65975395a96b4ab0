import { DomainError } from '../errors.ts';
import { assertValidScore } from './metrics.ts';
import {
  npsFromCounts,
  type CesStats,
  type CsatStats,
  type NpsOptions,
  type NpsStats,
  type ScoredAnswer,
} from './stats.ts';

/**
 * What every figure of a set of answers shows: the NPS stats of its NPS answers, plus `csat` and
 * `ces` when the set holds answers of those metrics (the `S` object of `boucle score --json`).
 */
export interface ScoreSummary extends NpsStats {
  readonly csat?: CsatStats;
  readonly ces?: CesStats;
}

/** A {@link ScoreSummary} for one group (a month, a touchpoint, an account...). */
export interface GroupSummary extends ScoreSummary {
  readonly key: string;
}

/** Key of answers that carry no value for the grouping dimension (no touchpoint, no account). */
export const UNSPECIFIED_KEY = 'unspecified';

/**
 * Running totals of a set of answers, filled one answer at a time ({@link addToTally}) so that a
 * file of millions of answers is scored in constant memory.
 */
export interface Tally {
  promoters: number;
  passives: number;
  detractors: number;
  csatN: number;
  csatSatisfied: number;
  cesN: number;
  cesSum: number;
}

/** An empty {@link Tally}. */
export function newTally(): Tally {
  return {
    promoters: 0,
    passives: 0,
    detractors: 0,
    csatN: 0,
    csatSatisfied: 0,
    cesN: 0,
    cesSum: 0,
  };
}

/**
 * Adds an answer to a tally; throws a {@link DomainError} for an invalid score.
 * @param tally the running totals, modified in place
 * @param answer an answer with a metric and a score
 */
export function addToTally(tally: Tally, answer: ScoredAnswer): void {
  assertValidScore(answer.metric, answer.score);
  const { score } = answer;
  if (answer.metric === 'nps') {
    if (score <= 6) tally.detractors++;
    else if (score <= 8) tally.passives++;
    else tally.promoters++;
  } else if (answer.metric === 'csat') {
    tally.csatN++;
    if (score >= 4) tally.csatSatisfied++;
  } else {
    tally.cesN++;
    tally.cesSum += score;
  }
}

/**
 * Adds the counts of one tally to another.
 * @param into the running totals, modified in place
 * @param tally the counts to add
 */
export function addTallies(into: Tally, tally: Readonly<Tally>): void {
  into.promoters += tally.promoters;
  into.passives += tally.passives;
  into.detractors += tally.detractors;
  into.csatN += tally.csatN;
  into.csatSatisfied += tally.csatSatisfied;
  into.cesN += tally.cesN;
  into.cesSum += tally.cesSum;
}

/**
 * The figures of a tally.
 * @param tally running totals
 * @param options minimum sample of the NPS
 */
export function summaryOfTally(tally: Tally, options: NpsOptions = {}): ScoreSummary {
  const stats: ScoreSummary = npsFromCounts(tally, options);
  const extra: { csat?: CsatStats; ces?: CesStats } = {};
  if (tally.csatN > 0)
    extra.csat = { n: tally.csatN, csat: (tally.csatSatisfied / tally.csatN) * 100 };
  if (tally.cesN > 0) extra.ces = { n: tally.cesN, ces: tally.cesSum / tally.cesN };
  return { ...stats, ...extra };
}

/**
 * Summarizes a set of answers of any metrics in one pass.
 * @param answers answers with a metric and a valid score
 * @param options minimum sample of the NPS
 */
export function summarizeScores(
  answers: Iterable<ScoredAnswer>,
  options: NpsOptions = {},
): ScoreSummary {
  const tally = newTally();
  for (const answer of answers) addToTally(tally, answer);
  return summaryOfTally(tally, options);
}

/**
 * Groups answers by a key and summarizes each group, in one pass over the answers.
 * @param answers the answers
 * @param keyOf the group of an answer; `undefined` or an empty string puts it under
 *   {@link UNSPECIFIED_KEY}
 * @param options minimum sample of the NPS
 * @returns one summary per key, sorted by key
 */
export function groupScores<A extends ScoredAnswer>(
  answers: Iterable<A>,
  keyOf: (answer: A) => string | undefined,
  options: NpsOptions = {},
): GroupSummary[] {
  const tallies = new Map<string, Tally>();
  for (const answer of answers) {
    const key = keyOf(answer) || UNSPECIFIED_KEY;
    let tally = tallies.get(key);
    if (!tally) {
      tally = newTally();
      tallies.set(key, tally);
    }
    addToTally(tally, answer);
  }
  return [...tallies.keys()]
    .sort()
    .map((key) => ({ key, ...summaryOfTally(tallies.get(key) as Tally, options) }));
}

/** An answer that knows when it was given (ISO 8601). */
export interface DatedAnswer extends ScoredAnswer {
  readonly answeredAt: string;
}

/** An answer that may carry a touchpoint. */
export interface TouchpointAnswer extends ScoredAnswer {
  readonly touchpoint?: string | undefined;
}

/** Trend granularity. */
export type TrendPeriod = 'month' | 'quarter';

/**
 * Parses an ISO 8601 instant to epoch milliseconds; throws a {@link DomainError} naming `field`
 * when it is not a date.
 * @param iso the date text
 * @param field the name to report
 */
export function parseInstant(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new DomainError('invalid_date', field, `${field} must be an ISO 8601 date, got "${iso}"`);
  }
  return ms;
}

/**
 * The period an instant belongs to, in UTC: `2026-11` for a month, `2026-Q4` for a quarter.
 * @param epochMs the instant
 * @param period month or quarter
 */
export function periodKey(epochMs: number, period: TrendPeriod): string {
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return period === 'month'
    ? `${year}-${String(month + 1).padStart(2, '0')}`
    : `${year}-Q${Math.floor(month / 3) + 1}`;
}

/** Options of a trend. */
export interface TrendOptions extends NpsOptions {
  /**
   * List every period from `from` to `to` (ISO 8601 instants, inclusive), empty ones included;
   * answers outside the range are left out.
   */
  readonly range?: { readonly from: string; readonly to: string };
  /** Without a range: also list the empty periods between the first and the last answer. */
  readonly fillGaps?: boolean;
}

function nextPeriodStart(epochMs: number, period: TrendPeriod): number {
  const date = new Date(epochMs);
  const step = period === 'month' ? 1 : 3;
  const firstMonth =
    period === 'month' ? date.getUTCMonth() : Math.floor(date.getUTCMonth() / 3) * 3;
  return Date.UTC(date.getUTCFullYear(), firstMonth + step, 1);
}

/**
 * The trend of a set of answers by month or quarter (UTC), oldest period first.
 * @param answers dated answers
 * @param period month or quarter
 * @param options minimum sample; a `range` or `fillGaps` to list empty periods too
 */
export function trendBy(
  answers: Iterable<DatedAnswer>,
  period: TrendPeriod,
  options: TrendOptions = {},
): GroupSummary[] {
  const dated = [...answers].map(({ metric, score, answeredAt }) => ({
    metric,
    score,
    at: parseInstant(answeredAt, 'answeredAt'),
  }));
  let first: number;
  let last: number;
  if (options.range) {
    first = parseInstant(options.range.from, 'range.from');
    last = parseInstant(options.range.to, 'range.to');
  } else {
    const times = dated.map((entry) => entry.at);
    first = Math.min(...times);
    last = Math.max(...times);
  }
  const kept = options.range
    ? dated.filter((entry) => entry.at >= first && entry.at <= last)
    : dated;
  const groups = groupScores(kept, (entry) => periodKey(entry.at, period), options);
  if (!options.range && (!options.fillGaps || groups.length < 2)) return groups;
  const byKey = new Map(groups.map((group) => [group.key, group]));
  const lastKey = periodKey(last, period);
  const filled: GroupSummary[] = [];
  if (first > last) return filled;
  for (let cursor = first; ; cursor = nextPeriodStart(cursor, period)) {
    const key = periodKey(cursor, period);
    filled.push(byKey.get(key) ?? { key, ...summarizeScores([], options) });
    if (key === lastKey) return filled;
  }
}

/**
 * The figures of a set of answers per touchpoint, sorted by touchpoint; answers without one are
 * grouped under {@link UNSPECIFIED_KEY}.
 * @param answers answers that may carry a touchpoint
 * @param options minimum sample
 */
export function breakdownByTouchpoint(
  answers: Iterable<TouchpointAnswer>,
  options: NpsOptions = {},
): GroupSummary[] {
  return groupScores(answers, (answer) => answer.touchpoint, options);
}
