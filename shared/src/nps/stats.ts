import { DomainError } from '../errors.ts';
import { classifyNps, assertValidScore, type Metric } from './metrics.ts';

/** Below this many answers an NPS is flagged as a low sample unless the caller says otherwise. */
export const DEFAULT_MIN_SAMPLE = 30;

/** z-value of a two-sided 95% interval. */
const Z95 = 1.96;

/** The smallest thing scoring needs from an answer. */
export interface ScoredAnswer {
  readonly metric: Metric;
  readonly score: number;
}

/** Counts of NPS answers by category. */
export interface NpsCounts {
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
}

/**
 * NPS of a set of answers. `nps` and `margin` are in points (−100…100), unrounded, and `null`
 * when the set is empty; `margin` is the half-width of the 95% interval.
 */
export interface NpsStats extends NpsCounts {
  readonly n: number;
  readonly nps: number | null;
  readonly margin: number | null;
  /** True when `n` is below the minimum sample: show the number with a warning, not as a fact. */
  readonly lowSample: boolean;
}

/** CSAT of a set: the share of 4–5 answers, in percent, `null` when empty. */
export interface CsatStats {
  readonly n: number;
  readonly csat: number | null;
}

/** CES of a set: the mean effort on the 1–7 scale (lower is better), `null` when empty. */
export interface CesStats {
  readonly n: number;
  readonly ces: number | null;
}

/** Options of NPS computations. */
export interface NpsOptions {
  /** Sample size below which `lowSample` is true; default {@link DEFAULT_MIN_SAMPLE}. */
  readonly minSample?: number;
}

/**
 * The 95% margin of error of an NPS, in points, from its promoter and detractor shares.
 * variance = p + d − (p − d)², SE = sqrt(variance / n), margin = 1.96 × SE × 100.
 * @param promoterShare share of promoters, 0…1
 * @param detractorShare share of detractors, 0…1
 * @param n sample size (or effective sample size for weighted data), > 0
 */
export function npsMargin(promoterShare: number, detractorShare: number, n: number): number {
  const diff = promoterShare - detractorShare;
  const variance = promoterShare + detractorShare - diff * diff;
  // Rounding can leave a variance of -1e-17 for p = 1 or d = 1; it is zero.
  return Z95 * Math.sqrt(Math.max(0, variance) / n) * 100;
}

/**
 * NPS from category counts.
 * @param counts promoters, passives and detractors (non-negative integers)
 * @param options minimum sample
 */
export function npsFromCounts(counts: NpsCounts, options: NpsOptions = {}): NpsStats {
  const { promoters, passives, detractors } = counts;
  for (const [field, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new DomainError(
        'invalid_count',
        field,
        `${field} must be a non-negative integer, got ${String(value)}`,
      );
    }
  }
  const n = promoters + passives + detractors;
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  if (n === 0) {
    return { n, promoters, passives, detractors, nps: null, margin: null, lowSample: true };
  }
  const p = promoters / n;
  const d = detractors / n;
  return {
    n,
    promoters,
    passives,
    detractors,
    nps: (p - d) * 100,
    margin: npsMargin(p, d, n),
    lowSample: n < minSample,
  };
}

/**
 * Counts the NPS answers of a set by category; answers of other metrics are ignored.
 * @param answers answers with a metric and a score
 */
export function countNps(answers: Iterable<ScoredAnswer>): NpsCounts {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const answer of answers) {
    if (answer.metric !== 'nps') continue;
    const category = classifyNps(answer.score);
    if (category === 'promoter') promoters++;
    else if (category === 'passive') passives++;
    else detractors++;
  }
  return { promoters, passives, detractors };
}

/**
 * NPS over the NPS answers of a set (other metrics are ignored). It is %promoters − %detractors,
 * not an average of scores.
 * @param answers answers with a metric and a score
 * @param options minimum sample
 */
export function computeNps(answers: Iterable<ScoredAnswer>, options: NpsOptions = {}): NpsStats {
  return npsFromCounts(countNps(answers), options);
}

/**
 * CSAT over the CSAT answers of a set: the share of 4–5 answers, in percent.
 * @param answers answers with a metric and a score
 */
export function computeCsat(answers: Iterable<ScoredAnswer>): CsatStats {
  let n = 0;
  let satisfied = 0;
  for (const answer of answers) {
    if (answer.metric !== 'csat') continue;
    assertValidScore('csat', answer.score);
    n++;
    if (answer.score >= 4) satisfied++;
  }
  return { n, csat: n === 0 ? null : (satisfied / n) * 100 };
}

/**
 * CES over the CES answers of a set: the mean effort on the 1–7 scale (lower is better).
 * @param answers answers with a metric and a score
 */
export function computeCes(answers: Iterable<ScoredAnswer>): CesStats {
  let n = 0;
  let sum = 0;
  for (const answer of answers) {
    if (answer.metric !== 'ces') continue;
    assertValidScore('ces', answer.score);
    n++;
    sum += answer.score;
  }
  return { n, ces: n === 0 ? null : sum / n };
}

/**
 * Rounds a number to one decimal, as every displayed NPS, margin, CSAT and CES is rounded, so the
 * CLI, the Salesforce card and the HubSpot card show the same figures. `null` stays `null`.
 * @param value the number to round
 */
export function roundOneDecimal(value: number | null): number | null {
  if (value === null) return null;
  const rounded = Math.round(value * 10) / 10;
  // Avoid printing -0 for a value such as -0.04.
  return rounded === 0 ? 0 : rounded;
}

/**
 * The stats with `nps` and `margin` rounded to one decimal, for display and for the CLI's JSON.
 * @param stats NPS stats
 */
export function roundNpsStats(stats: NpsStats): NpsStats {
  return { ...stats, nps: roundOneDecimal(stats.nps), margin: roundOneDecimal(stats.margin) };
}
