import { assertValidScore, type Metric } from '../nps/metrics.ts';
import type { DissonanceSettings } from '../schemas/settings.ts';
import { DomainError } from '../errors.ts';

/**
 * How an employee's rating of their own answer and the customer's score relate (domain §7):
 * - `dissonance`: the employee is confident, the customer is unhappy (a procedure applied in good
 *   faith that the customer experiences as the opposite);
 * - `fatalist`: the employee is confident, the customer gives a middle score (the process was
 *   followed but did not help; such customers may leave when a competitor solves it);
 * - `improvement`: the employee doubts their answer, the customer is happy (employees work around a
 *   process that customers appreciate);
 * - `aligned`: both see it the same way, or the employee is undecided.
 */
export type DissonanceKind = 'dissonance' | 'fatalist' | 'improvement' | 'aligned';

/** The classification of a pair, with whether it deserves a review callback, and why. */
export interface DissonanceResult {
  readonly kind: DissonanceKind;
  /** Dissonance and fatalist pairs are worth a callback. */
  readonly reviewWorthy: boolean;
  readonly reason: string;
}

/**
 * Default settings: an employee rating of 4–5 is confident, 1–2 doubtful; the customer is unhappy
 * at NPS 0–4, CSAT 1–2, CES 6–7, happy at NPS 9–10, CSAT 5, CES 1–2, and in the middle otherwise.
 */
export const DEFAULT_DISSONANCE_SETTINGS: DissonanceSettings = {
  confidentMin: 4,
  doubtfulMax: 2,
  bands: {
    nps: { unhappy: { min: 0, max: 4 }, happy: { min: 9, max: 10 } },
    csat: { unhappy: { min: 1, max: 2 }, happy: { min: 5, max: 5 } },
    ces: { unhappy: { min: 6, max: 7 }, happy: { min: 1, max: 2 } },
  },
};

/** Where a customer's score stands. */
export type CustomerMood = 'unhappy' | 'middle' | 'happy';

/**
 * The customer's mood for a score, by the bands of its metric.
 * @param metric the survey metric
 * @param score a valid score
 * @param settings dissonance settings
 */
export function customerMood(
  metric: Metric,
  score: number,
  settings: DissonanceSettings = DEFAULT_DISSONANCE_SETTINGS,
): CustomerMood {
  assertValidScore(metric, score);
  const bands = settings.bands[metric];
  if (score >= bands.unhappy.min && score <= bands.unhappy.max) return 'unhappy';
  if (score >= bands.happy.min && score <= bands.happy.max) return 'happy';
  return 'middle';
}

/**
 * Classifies a (customer score, employee rating) pair of the same interaction.
 * @param customer the customer's metric and score
 * @param employeeRating the employee's rating of their own answer, 1–5
 * @param settings thresholds; {@link DEFAULT_DISSONANCE_SETTINGS} when omitted
 */
export function classifyDissonance(
  customer: { readonly metric: Metric; readonly score: number },
  employeeRating: number,
  settings: DissonanceSettings = DEFAULT_DISSONANCE_SETTINGS,
): DissonanceResult {
  if (!Number.isInteger(employeeRating) || employeeRating < 1 || employeeRating > 5) {
    throw new DomainError(
      'rating_out_of_range',
      'rating',
      `rating must be an integer from 1 to 5, got ${String(employeeRating)}`,
    );
  }
  const mood = customerMood(customer.metric, customer.score, settings);
  const confident = employeeRating >= settings.confidentMin;
  const doubtful = employeeRating <= settings.doubtfulMax;
  const pair = `employee rated ${employeeRating}/5, customer gave ${customer.score} (${customer.metric})`;
  if (confident && mood === 'unhappy') {
    return {
      kind: 'dissonance',
      reviewWorthy: true,
      reason: `${pair}: confident employee, unhappy customer`,
    };
  }
  if (confident && mood === 'middle') {
    return {
      kind: 'fatalist',
      reviewWorthy: true,
      reason: `${pair}: process followed, customer resigned`,
    };
  }
  if (doubtful && mood === 'happy') {
    return {
      kind: 'improvement',
      reviewWorthy: false,
      reason: `${pair}: customer values what the employee doubts`,
    };
  }
  return { kind: 'aligned', reviewWorthy: false, reason: `${pair}: aligned` };
}
