import {
  addTallies,
  addToTally,
  newTally,
  summarizeScores,
  summaryOfTally,
  UNSPECIFIED_KEY,
  type GroupSummary,
  type Tally,
  type TouchpointAnswer,
} from '../nps/groups.ts';
import type { NpsOptions } from '../nps/stats.ts';
import {
  cesTargetStatus,
  csatTargetStatus,
  npsTargetStatus,
  type TargetStatus,
} from './targets.ts';
import {
  normalizeTouchpointLabel,
  orderJourney,
  touchpointMatcher,
  type Touchpoint,
  type TouchpointMatcher,
} from './touchpoints.ts';

/**
 * One row of the journey as the cards show it: a configured touchpoint (with its targets and
 * where it stands against them), a touchpoint answers used that matches none (`unknown`, labelled
 * as sent), or the answers that named no touchpoint (`unspecified`).
 */
export interface JourneyStep extends GroupSummary {
  readonly kind: 'configured' | 'unknown' | 'unspecified';
  readonly labelEn: string;
  readonly labelFr: string;
  readonly journey?: string;
  readonly order?: number;
  readonly targetNps?: number;
  readonly targetCsat?: number;
  readonly targetCes?: number;
  readonly status?: {
    readonly nps: TargetStatus;
    readonly csat?: TargetStatus;
    readonly ces?: TargetStatus;
  };
}

const answered = (group: GroupSummary) => group.n + (group.csat?.n ?? 0) + (group.ces?.n ?? 0);

/**
 * The figures of a set of answers along the journey: every configured touchpoint in journey order
 * (those without answers too, "not enough answers to say"), each against its targets; then the
 * unknown touchpoints answers used (grouped case- and accent-insensitively, labelled as first
 * sent), most answered first; then the answers without a touchpoint.
 * @param answers answers carrying the touchpoint label as sent
 * @param touchpoints the configured touchpoints
 * @param options minimum sample
 */
export function journeySteps(
  answers: Iterable<TouchpointAnswer>,
  touchpoints: readonly Touchpoint[],
  options: NpsOptions = {},
): JourneyStep[] {
  const byLabel = new Map<string | undefined, Tally>();
  for (const answer of answers) {
    let tally = byLabel.get(answer.touchpoint);
    if (!tally) {
      tally = newTally();
      byLabel.set(answer.touchpoint, tally);
    }
    addToTally(tally, answer);
  }
  return journeyStepsOfLabels(byLabel, touchpoints, options);
}

// The matcher and the journey order of a configuration, built once for the many summaries (one per
// account) that use the same touchpoints: the configuration is read-only.
const prepared = new WeakMap<
  readonly Touchpoint[],
  { readonly match: TouchpointMatcher; readonly ordered: readonly Touchpoint[] }
>();

function preparedJourney(touchpoints: readonly Touchpoint[]) {
  let journey = prepared.get(touchpoints);
  if (!journey) {
    journey = { match: touchpointMatcher(touchpoints), ordered: orderJourney(touchpoints) };
    prepared.set(touchpoints, journey);
  }
  return journey;
}

/**
 * {@link journeySteps} from tallies already counted per touchpoint label as sent, so a caller
 * that counts answers itself (the account summary) matches and normalizes each distinct label
 * once, not each answer.
 * @param byLabel each distinct label as sent (`undefined` for none), with its tally, in the order
 *   the labels first appear among the answers (the unknown touchpoints are labelled as first sent)
 * @param touchpoints the configured touchpoints
 * @param options minimum sample
 */
export function journeyStepsOfLabels(
  byLabel: Iterable<readonly [string | undefined, Tally]>,
  touchpoints: readonly Touchpoint[],
  options: NpsOptions,
): JourneyStep[] {
  const { match, ordered } = preparedJourney(touchpoints);
  const unknownLabels = new Map<string, string>();
  const tallies = new Map<string, Tally>();
  for (const [label, tally] of byLabel) {
    const form = label ? normalizeTouchpointLabel(label) : '';
    let key = UNSPECIFIED_KEY;
    if (label && form !== '') {
      const touchpoint = match(label);
      if (touchpoint) key = `k:${touchpoint.key}`;
      else {
        if (!unknownLabels.has(form)) unknownLabels.set(form, label.trim());
        key = `u:${form}`;
      }
    }
    const known = tallies.get(key);
    if (known) addTallies(known, tally);
    else tallies.set(key, { ...tally });
  }
  const groups = new Map<string, GroupSummary>();
  for (const [key, tally] of tallies) groups.set(key, { key, ...summaryOfTally(tally, options) });
  const figures = (key: string): GroupSummary =>
    groups.get(key) ?? { key, ...summarizeScores([], options) };
  const minSample = options.minSample;
  const configured = ordered.map((touchpoint): JourneyStep => {
    const group = figures(`k:${touchpoint.key}`);
    return {
      ...group,
      key: touchpoint.key,
      kind: 'configured',
      labelEn: touchpoint.labelEn,
      labelFr: touchpoint.labelFr,
      journey: touchpoint.journey,
      order: touchpoint.order,
      targetNps: touchpoint.targetNps,
      ...(touchpoint.targetCsat !== undefined && { targetCsat: touchpoint.targetCsat }),
      ...(touchpoint.targetCes !== undefined && { targetCes: touchpoint.targetCes }),
      status: {
        nps: npsTargetStatus(group, touchpoint.targetNps),
        ...(touchpoint.targetCsat !== undefined && {
          csat: csatTargetStatus(
            group.csat ?? { n: 0, csat: null },
            touchpoint.targetCsat,
            minSample,
          ),
        }),
        ...(touchpoint.targetCes !== undefined && {
          ces: cesTargetStatus(group.ces ?? { n: 0, ces: null }, touchpoint.targetCes, minSample),
        }),
      },
    };
  });
  const unknown = [...unknownLabels]
    .map(([form, label]): JourneyStep => ({
      ...figures(`u:${form}`),
      key: form,
      kind: 'unknown',
      labelEn: label,
      labelFr: label,
    }))
    .sort((a, b) => answered(b) - answered(a));
  const unspecified = groups.get(UNSPECIFIED_KEY);
  return [
    ...configured,
    ...unknown,
    ...(unspecified
      ? [{ ...unspecified, kind: 'unspecified' as const, labelEn: '', labelFr: '' }]
      : []),
  ];
}
