import { assertValidScore, isValidScore } from './metrics.ts';
import { parseInstant, UNSPECIFIED_KEY, type DatedAnswer } from './groups.ts';
import { compareWithNorm, type NormComparison } from './norm.ts';
import {
  DEFAULT_MIN_SAMPLE,
  npsFromCounts,
  roundOneDecimal,
  type NpsCounts,
  type NpsStats,
} from './stats.ts';

/**
 * Whether a sample's NPS can be shown with a margin: `enough`, or why not. A sample whose answers
 * all fall in one category (five promoters, one answer) has a computed margin of 0, which would
 * read "± 0.0" and claim a certainty the sample does not have.
 */
export type SampleVerdict = 'enough' | 'no_answers' | 'too_few_answers' | 'one_sided';

/**
 * The verdict on a sample's NPS.
 * @param stats counts and n
 * @param minSample the minimum sample (default {@link DEFAULT_MIN_SAMPLE})
 */
export function sampleVerdict(
  stats: NpsCounts & { readonly n: number },
  minSample = DEFAULT_MIN_SAMPLE,
): SampleVerdict {
  if (stats.n === 0) return 'no_answers';
  if (stats.n < minSample) return 'too_few_answers';
  const oneSided =
    stats.promoters === stats.n || stats.passives === stats.n || stats.detractors === stats.n;
  return oneSided ? 'one_sided' : 'enough';
}

/** An NPS as it may be shown: rounded, and a margin only when the sample supports one. */
export interface ShownNps extends NpsCounts {
  readonly n: number;
  /** Rounded to one decimal; `null` without answers. */
  readonly nps: number | null;
  /** Rounded 95% half-width; `null` unless `sample` is `enough`. */
  readonly margin: number | null;
  readonly sample: SampleVerdict;
}

/** How a group stands against the rest of the org. */
export interface GroupVersusNorm extends ShownNps {
  readonly key: string;
  /** Position among the groups whose sample is `enough` (1 = highest NPS); ties share a rank. */
  readonly rank: number | null;
  /**
   * The answers of the window outside this group. The group is compared with them rather than
   * with the whole org: the two samples are then disjoint, which the combined margin
   * sqrt(m₁² + m₂²) assumes, and a large group is not compared partly with itself.
   */
  readonly rest: ShownNps;
  /** Rounded delta and combined margin; not significant unless both samples are `enough`. */
  readonly comparison: NormComparison;
}

/** NPS per group against the norm, over a window. */
export interface NormReport {
  readonly window: { readonly from: string; readonly to: string };
  readonly minSample: number;
  /** Every answer of the window. */
  readonly org: ShownNps;
  /** Groups with enough answers for a margin, ranked by NPS (highest first). */
  readonly groups: GroupVersusNorm[];
  /**
   * Groups whose sample is too small or one-sided, by key: a hint of where things may stand,
   * never ranked and never significant.
   */
  readonly hints: GroupVersusNorm[];
}

/** Options of {@link compareGroupsWithNorm}. */
export interface NormReportOptions {
  /** Answers given in (from, to], ISO 8601 instants. */
  readonly window: { readonly from: string; readonly to: string };
  /** Below this many answers a group is a hint; default {@link DEFAULT_MIN_SAMPLE}. */
  readonly minSample?: number;
}

function shown(stats: NpsStats, minSample: number): ShownNps {
  const sample = sampleVerdict(stats, minSample);
  return {
    n: stats.n,
    promoters: stats.promoters,
    passives: stats.passives,
    detractors: stats.detractors,
    nps: roundOneDecimal(stats.nps),
    margin: sample === 'enough' ? roundOneDecimal(stats.margin) : null,
    sample,
  };
}

function rounded(comparison: NormComparison): NormComparison {
  return {
    ...comparison,
    delta: roundOneDecimal(comparison.delta),
    combinedMargin: roundOneDecimal(comparison.combinedMargin),
  };
}

/**
 * NPS per group (owner, team, region, touchpoint: the caller's key) over a window, each with its
 * margin and compared with the rest of the org, in one pass over the answers. Answers of other
 * metrics are ignored; an invalid NPS score throws a DomainError.
 * @param answers dated answers
 * @param keyOf the group of an answer; `undefined` or an empty string puts it under
 *   {@link UNSPECIFIED_KEY}
 * @param options the window and the minimum sample
 */
export function compareGroupsWithNorm<A extends DatedAnswer>(
  answers: Iterable<A>,
  keyOf: (answer: A) => string | undefined,
  options: NormReportOptions,
): NormReport {
  const from = parseInstant(options.window.from, 'window.from');
  const to = parseInstant(options.window.to, 'window.to');
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  // [promoters, passives, detractors] per group: plain arrays keep the hot loop cheap.
  const tallies = new Map<string, [number, number, number]>();
  for (const answer of answers) {
    if (answer.metric !== 'nps') continue;
    const at = Date.parse(answer.answeredAt);
    if (!(at > from && at <= to)) {
      if (Number.isNaN(at)) parseInstant(answer.answeredAt, 'answeredAt');
      continue;
    }
    const score = answer.score;
    if (!isValidScore('nps', score)) assertValidScore('nps', score);
    const key = keyOf(answer) || UNSPECIFIED_KEY;
    let tally = tallies.get(key);
    if (!tally) {
      tally = [0, 0, 0];
      tallies.set(key, tally);
    }
    tally[score >= 9 ? 0 : score >= 7 ? 1 : 2]++;
  }
  const org = { promoters: 0, passives: 0, detractors: 0 };
  for (const [promoters, passives, detractors] of tallies.values()) {
    org.promoters += promoters;
    org.passives += passives;
    org.detractors += detractors;
  }
  const orgStats = npsFromCounts(org, { minSample });
  // Sorted by key first: the stable sort by NPS below then breaks ties by key.
  const all = [...tallies.keys()].sort().map((key) => {
    const [promoters, passives, detractors] = tallies.get(key) as [number, number, number];
    const stats = npsFromCounts({ promoters, passives, detractors }, { minSample });
    const restStats = npsFromCounts(
      {
        promoters: org.promoters - promoters,
        passives: org.passives - passives,
        detractors: org.detractors - detractors,
      },
      { minSample },
    );
    const group = shown(stats, minSample);
    const rest = shown(restStats, minSample);
    const comparison = compareWithNorm(
      { nps: stats.nps, margin: group.margin === null ? null : stats.margin },
      { nps: restStats.nps, margin: rest.margin === null ? null : restStats.margin },
    );
    return { key, ...group, rank: null, rest, comparison: rounded(comparison), raw: stats.nps };
  });
  const groups: GroupVersusNorm[] = [];
  for (const { raw: _raw, ...entry } of all
    .filter((entry) => entry.sample === 'enough')
    .sort((a, b) => (b.raw as number) - (a.raw as number))) {
    const previous = groups[groups.length - 1];
    const rank = previous && previous.nps === entry.nps ? previous.rank : groups.length + 1;
    groups.push({ ...entry, rank });
  }
  const hints: GroupVersusNorm[] = all
    .filter((entry) => entry.sample !== 'enough')
    .map(({ raw: _raw, ...entry }) => entry);
  return {
    window: { from: options.window.from, to: options.window.to },
    minSample,
    org: shown(orgStats, minSample),
    groups,
    hints,
  };
}
