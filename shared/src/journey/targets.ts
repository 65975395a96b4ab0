import { DEFAULT_MIN_SAMPLE, type CesStats, type CsatStats, type NpsStats } from '../nps/stats.ts';

/**
 * Where a touchpoint stands against a target: `met` or `missed` only when the 95% interval of its
 * figure lies wholly on one side of the target; `not_enough` (answers to say) when the interval
 * straddles it, when there are no answers, or when the sample is below the minimum (a margin over
 * three answers means nothing: three promoters have a margin of zero).
 */
export type TargetStatus = 'met' | 'missed' | 'not_enough';

/** z-value of a two-sided 95% interval. */
const Z95 = 1.96;
/** The widest standard deviation a 1–7 scale allows (half its answers at 1, half at 7). */
const CES_MAX_SD = 3;

function statusOf(
  value: number,
  margin: number,
  target: number,
  higherIsBetter: boolean,
): TargetStatus {
  const [worst, best] = higherIsBetter
    ? [value - margin, value + margin]
    : [value + margin, value - margin];
  const beats = (a: number) => (higherIsBetter ? a >= target : a <= target);
  if (beats(worst)) return 'met';
  if (!beats(best)) return 'missed';
  return 'not_enough';
}

/**
 * An NPS against its target, using its margin of error.
 * @param stats the NPS of the touchpoint (unrounded)
 * @param target the target, −100…100
 */
export function npsTargetStatus(stats: NpsStats, target: number): TargetStatus {
  if (stats.nps === null || stats.margin === null || stats.lowSample) return 'not_enough';
  return statusOf(stats.nps, stats.margin, target, true);
}

/**
 * A CSAT against its target, with the margin of a proportion: 1.96 × sqrt(p(1 − p) / n).
 * @param stats the CSAT of the touchpoint
 * @param target the target, in percent
 * @param minSample below this many answers, not enough to say
 */
export function csatTargetStatus(
  stats: CsatStats,
  target: number,
  minSample = DEFAULT_MIN_SAMPLE,
): TargetStatus {
  if (stats.csat === null || stats.n < minSample) return 'not_enough';
  const p = stats.csat / 100;
  return statusOf(stats.csat, Z95 * Math.sqrt((p * (1 - p)) / stats.n) * 100, target, true);
}

/**
 * A CES against its target (lower is better). Tallies keep no spread, so the margin is the widest
 * a 1–7 scale allows, 1.96 × 3 / sqrt(n): it says `not_enough` more often, never a wrong verdict.
 * @param stats the CES of the touchpoint
 * @param target the target mean effort, 1…7
 * @param minSample below this many answers, not enough to say
 */
export function cesTargetStatus(
  stats: CesStats,
  target: number,
  minSample = DEFAULT_MIN_SAMPLE,
): TargetStatus {
  if (stats.ces === null || stats.n < minSample) return 'not_enough';
  return statusOf(stats.ces, (Z95 * CES_MAX_SD) / Math.sqrt(stats.n), target, false);
}
