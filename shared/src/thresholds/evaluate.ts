import { classifyDissonance, type DissonanceKind } from '../dissonance/classify.ts';
import { assertValidScore, type Metric } from '../nps/metrics.ts';
import { parseInstant } from '../nps/groups.ts';
import type { BusinessHoursSettings, DissonanceSettings } from '../schemas/settings.ts';
import type { ThresholdRule } from '../schemas/threshold.ts';
import { dueInstant } from './businessHours.ts';
import type { AlertKind, AssigneeRule } from './kinds.ts';
import {
  DEFAULT_TOUCHPOINTS,
  normalizeTouchpointLabel,
  touchpointMatcher,
  type Touchpoint,
  type TouchpointMatcher,
} from '../journey/touchpoints.ts';

/** What threshold evaluation needs of an answer. */
export interface EvaluatedAnswer {
  readonly id: string;
  readonly metric: Metric;
  readonly score: number;
  readonly touchpoint?: string | undefined;
  readonly interactionId?: string | undefined;
}

/** What threshold evaluation needs of an employee rating. */
export interface EvaluatedRating {
  readonly interactionId: string;
  readonly rating: number;
}

/** An alert raised by a rule: a callback to create. */
export interface Alert {
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly slaHours: number;
  /** ISO 8601 instant the callback is due. */
  readonly dueAt: string;
  /** ISO 8601 instant the callback escalates if nobody reached the customer. */
  readonly escalateAt?: string;
  readonly assignTo: AssigneeRule;
  readonly queue?: string;
  /** Why the rule fired, for the callback's description. */
  readonly reason: string;
  /** For `dissonance` alerts: how the rating and the score disagree. */
  readonly dissonance?: DissonanceKind;
}

/** Everything threshold evaluation depends on. */
export interface ThresholdInput {
  readonly answer: EvaluatedAnswer;
  /** The employee rating of the same interaction, if any (ignored if its interactionId differs). */
  readonly rating?: EvaluatedRating;
  readonly rules: readonly ThresholdRule[];
  /** ISO 8601 instant the clock of the SLA starts (when the answer is processed). */
  readonly now: string;
  readonly businessHours?: BusinessHoursSettings;
  readonly dissonance?: DissonanceSettings;
  /**
   * The configured journey: a rule's touchpoint and an answer's meet when they name the same
   * touchpoint (by key or either label); default the shipped journey.
   */
  readonly touchpoints?: readonly Touchpoint[];
}

function sameTouchpoint(
  rule: ThresholdRule,
  touchpoint: string | undefined,
  match: TouchpointMatcher,
): boolean {
  if (!rule.touchpoint) return true;
  const [ruleStep, answerStep] = [match(rule.touchpoint), match(touchpoint)];
  if (ruleStep) return ruleStep === answerStep;
  return normalizeTouchpointLabel(touchpoint ?? '') === normalizeTouchpointLabel(rule.touchpoint);
}

/**
 * Evaluates an answer, and the employee rating sharing its `interactionId`, against threshold
 * rules. Semantics:
 * - a rule matches when it is active, its metric is the answer's, the score is within
 *   [minScore, maxScore] and its touchpoint is blank or names the answer's (by key or either
 *   label of the configured touchpoint, case- and accent-insensitively);
 * - a `dissonance` rule also needs a rating of the same interaction whose pair with the score is
 *   review-worthy ({@link classifyDissonance});
 * - every matching rule fires, but at most one alert per kind: among rules of the same kind the
 *   shortest SLA wins (then the first listed), so overlapping rules never create two callbacks of
 *   one kind for one answer, while a detractor with a confident employee gets both a recovery
 *   callback and a dissonance review;
 * - due and escalation times run from `now`, in working time when business hours are given.
 * @param input the answer, its rating, the rules, `now` and optional settings
 * @returns the alerts, soonest due first
 */
export function evaluateThresholds(input: ThresholdInput): Alert[] {
  const { answer, rules, businessHours } = input;
  assertValidScore(answer.metric, answer.score);
  const nowMs = parseInstant(input.now, 'now');
  const rating =
    input.rating && answer.interactionId && input.rating.interactionId === answer.interactionId
      ? input.rating
      : undefined;
  const dissonance = rating
    ? classifyDissonance(answer, rating.rating, input.dissonance)
    : undefined;

  const match = touchpointMatcher(input.touchpoints ?? DEFAULT_TOUCHPOINTS);
  const chosen = new Map<AlertKind, ThresholdRule>();
  for (const rule of rules) {
    const matches =
      rule.active &&
      rule.metric === answer.metric &&
      answer.score >= rule.minScore &&
      answer.score <= rule.maxScore &&
      sameTouchpoint(rule, answer.touchpoint, match) &&
      (rule.kind !== 'dissonance' || dissonance?.reviewWorthy === true);
    if (!matches) continue;
    const current = chosen.get(rule.kind);
    if (!current || rule.slaHours < current.slaHours) chosen.set(rule.kind, rule);
  }

  const alerts = [...chosen.values()].map((rule): Alert => {
    const scope = rule.touchpoint ? ` at ${rule.touchpoint}` : '';
    const reason =
      rule.kind === 'dissonance' && dissonance
        ? dissonance.reason
        : `${answer.metric.toUpperCase()} ${answer.score} within ${rule.minScore}–${rule.maxScore}${scope} (rule ${rule.id})`;
    return {
      ruleId: rule.id,
      kind: rule.kind,
      slaHours: rule.slaHours,
      dueAt: new Date(dueInstant(nowMs, rule.slaHours, businessHours)).toISOString(),
      ...(rule.escalateAfterHours !== undefined && {
        escalateAt: new Date(
          dueInstant(nowMs, rule.escalateAfterHours, businessHours),
        ).toISOString(),
      }),
      assignTo: rule.assignTo,
      ...(rule.queue !== undefined && { queue: rule.queue }),
      reason,
      ...(rule.kind === 'dissonance' && dissonance && { dissonance: dissonance.kind }),
    };
  });
  return alerts.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}
