import {
  groupScores,
  summarizeScores,
  UNSPECIFIED_KEY,
  type GroupSummary,
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
  const match = touchpointMatcher(touchpoints);
  const unknownLabels = new Map<string, string>();
  const groups = new Map(
    groupScores(
      answers,
      (answer) => {
        if (!answer.touchpoint || normalizeTouchpointLabel(answer.touchpoint) === '')
          return undefined;
        const touchpoint = match(answer.touchpoint);
        if (touchpoint) return `k:${touchpoint.key}`;
        const form = normalizeTouchpointLabel(answer.touchpoint);
        if (!unknownLabels.has(form)) unknownLabels.set(form, answer.touchpoint.trim());
        return `u:${form}`;
      },
      options,
    ).map((group) => [group.key, group]),
  );
  const figures = (key: string): GroupSummary =>
    groups.get(key) ?? { key, ...summarizeScores([], options) };
  const minSample = options.minSample;
  const configured = orderJourney(touchpoints).map((touchpoint): JourneyStep => {
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
