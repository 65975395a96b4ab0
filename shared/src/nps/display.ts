import type { GroupSummary, ScoreSummary } from './groups.ts';
import { roundOneDecimal } from './stats.ts';

/**
 * A summary with every figure rounded to one decimal, as the CLI prints it and the cards show it,
 * so that they all show the same numbers.
 * @param summary a score summary
 */
export function roundSummary<S extends ScoreSummary | GroupSummary>(summary: S): S {
  return {
    ...summary,
    nps: roundOneDecimal(summary.nps),
    margin: roundOneDecimal(summary.margin),
    ...(summary.csat && { csat: { n: summary.csat.n, csat: roundOneDecimal(summary.csat.csat) } }),
    ...(summary.ces && { ces: { n: summary.ces.n, ces: roundOneDecimal(summary.ces.ces) } }),
  };
}
