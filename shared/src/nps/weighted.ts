import { DomainError } from '../errors.ts';
import { classifyNps } from './metrics.ts';
import { DEFAULT_MIN_SAMPLE, npsMargin, type NpsOptions, type ScoredAnswer } from './stats.ts';
import type { SampleVerdict } from './versusNorm.ts';

/** NPS of an account where answers weigh differently (a decision maker's more than a user's). */
export interface WeightedNps {
  /** NPS answers counted, weight zero included. */
  readonly n: number;
  readonly totalWeight: number;
  /**
   * Kish's effective sample size (Σw)² / Σw²: what the margin is computed on, since unequal
   * weights make a sample less informative than its raw count.
   */
  readonly effectiveN: number;
  readonly nps: number | null;
  readonly margin: number | null;
  readonly lowSample: boolean;
  /**
   * Whether the margin can be shown (see {@link SampleVerdict}), judged on the effective sample:
   * all the weight on one category is `one_sided` whatever the count.
   */
  readonly sample: SampleVerdict;
}

/**
 * The account NPS with caller-given weights (contact role, revenue...): weighted promoter share
 * minus weighted detractor share. Answers of other metrics are ignored.
 * @param answers the account's answers
 * @param weightOf the weight of an answer: a finite number ≥ 0
 * @param options minimum (effective) sample
 */
export function weightedNps<A extends ScoredAnswer>(
  answers: Iterable<A>,
  weightOf: (answer: A) => number,
  options: NpsOptions = {},
): WeightedNps {
  let n = 0;
  let total = 0;
  let sumSquares = 0;
  let promoterWeight = 0;
  let detractorWeight = 0;
  for (const answer of answers) {
    if (answer.metric !== 'nps') continue;
    const weight = weightOf(answer);
    if (!Number.isFinite(weight) || weight < 0) {
      throw new DomainError(
        'invalid_weight',
        'weight',
        `weight must be a finite number ≥ 0, got ${String(weight)}`,
      );
    }
    const category = classifyNps(answer.score);
    n++;
    total += weight;
    sumSquares += weight * weight;
    if (category === 'promoter') promoterWeight += weight;
    else if (category === 'detractor') detractorWeight += weight;
  }
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  if (total === 0) {
    return {
      n,
      totalWeight: 0,
      effectiveN: 0,
      nps: null,
      margin: null,
      lowSample: true,
      sample: 'no_answers',
    };
  }
  const effectiveN = (total * total) / sumSquares;
  const p = promoterWeight / total;
  const d = detractorWeight / total;
  let sample: SampleVerdict = 'enough';
  if (effectiveN < minSample) sample = 'too_few_answers';
  else if (
    promoterWeight === total ||
    detractorWeight === total ||
    promoterWeight + detractorWeight === 0
  )
    sample = 'one_sided';
  return {
    n,
    totalWeight: total,
    effectiveN,
    nps: (p - d) * 100,
    margin: npsMargin(p, d, effectiveN),
    lowSample: effectiveN < minSample,
    sample,
  };
}
