import type { ScoreSummary, Tally } from './groups.ts';
import { DEFAULT_MIN_SAMPLE, npsMargin, type NpsOptions } from './stats.ts';

/**
 * {@link summaryOfTally} for a tally this package counted itself (non-negative integers by
 * construction), without checking the counts again: the same object, key for key, for the many
 * small groups of a summary (each month, touchpoint and journey step of each account).
 * Internal: not exported from the package.
 * @param tally running totals filled by counting valid answers
 * @param options minimum sample of the NPS
 */
export function summaryOfCountedTally(tally: Tally, options: NpsOptions): ScoreSummary {
  const { promoters, passives, detractors, csatN, cesN } = tally;
  const n = promoters + passives + detractors;
  let summary: ScoreSummary;
  if (n === 0) {
    summary = { n, promoters, passives, detractors, nps: null, margin: null, lowSample: true };
  } else {
    const p = promoters / n;
    const d = detractors / n;
    summary = {
      n,
      promoters,
      passives,
      detractors,
      nps: (p - d) * 100,
      margin: npsMargin(p, d, n),
      lowSample: n < (options.minSample ?? DEFAULT_MIN_SAMPLE),
    };
  }
  if (csatN === 0 && cesN === 0) return summary;
  return {
    ...summary,
    ...(csatN > 0 && { csat: { n: csatN, csat: (tally.csatSatisfied / csatN) * 100 } }),
    ...(cesN > 0 && { ces: { n: cesN, ces: tally.cesSum / cesN } }),
  };
}
