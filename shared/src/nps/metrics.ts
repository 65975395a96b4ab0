import { DomainError } from '../errors.ts';

/** The survey metrics Boucle understands. */
export const METRICS = ['nps', 'csat', 'ces'] as const;

/** A survey metric: `nps` (0–10), `csat` (1–5) or `ces` (1–7, lower is better). */
export type Metric = (typeof METRICS)[number];

/** Inclusive score range of each metric. */
export const SCORE_RANGES: Readonly<
  Record<Metric, { readonly min: number; readonly max: number }>
> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** NPS categories: 0–6 detractor, 7–8 passive, 9–10 promoter. */
export type NpsCategory = 'detractor' | 'passive' | 'promoter';
/** CSAT categories: 1–2 dissatisfied, 3 neutral, 4–5 satisfied. */
export type CsatCategory = 'dissatisfied' | 'neutral' | 'satisfied';
/** CES categories (lower effort is better): 1–3 low, 4 medium, 5–7 high. */
export type CesCategory = 'low_effort' | 'medium_effort' | 'high_effort';
/** The category of a score, whatever its metric. */
export type ScoreCategory = NpsCategory | CsatCategory | CesCategory;

/**
 * Tells whether `score` is an integer within the range of `metric`.
 * @param metric the survey metric
 * @param score the score to check
 */
export function isValidScore(metric: Metric, score: number): boolean {
  const range = SCORE_RANGES[metric];
  return Number.isInteger(score) && score >= range.min && score <= range.max;
}

/**
 * Throws a {@link DomainError} naming `score` unless it is valid for `metric`.
 * @param metric the survey metric
 * @param score the score to check
 */
export function assertValidScore(metric: Metric, score: number): void {
  if (!isValidScore(metric, score)) {
    const range = SCORE_RANGES[metric];
    throw new DomainError(
      'score_out_of_range',
      'score',
      `score must be an integer from ${range.min} to ${range.max} for metric ${metric}, got ${String(score)}`,
    );
  }
}

/**
 * Classifies an NPS score (0–10).
 * @param score an integer from 0 to 10
 * @returns `detractor` for 0–6, `passive` for 7–8, `promoter` for 9–10
 */
export function classifyNps(score: number): NpsCategory {
  assertValidScore('nps', score);
  if (score <= 6) return 'detractor';
  return score <= 8 ? 'passive' : 'promoter';
}

/**
 * Classifies a score of any metric.
 * @param metric the survey metric
 * @param score an integer within the metric's range
 * @returns the score's category; throws a {@link DomainError} for an invalid score
 */
export function classifyScore(metric: Metric, score: number): ScoreCategory {
  if (metric === 'nps') return classifyNps(score);
  assertValidScore(metric, score);
  if (metric === 'csat') {
    if (score <= 2) return 'dissatisfied';
    return score === 3 ? 'neutral' : 'satisfied';
  }
  if (score <= 3) return 'low_effort';
  return score === 4 ? 'medium_effort' : 'high_effort';
}
