import {
  MAX_ADVISED_JOURNEY_STEPS,
  normalizeTouchpointLabel,
  type Touchpoint,
  type TouchpointField,
} from './touchpoints.ts';

/** A problem of a journey configuration: which touchpoint (by position), which field, why. */
export interface JourneyProblem {
  readonly index: number;
  readonly field: TouchpointField;
  readonly message: string;
}

const RANGES: readonly [TouchpointField, number, number, string][] = [
  ['targetNps', -100, 100, 'must be an NPS from -100 to 100'],
  ['targetCsat', 0, 100, 'must be a CSAT percentage from 0 to 100'],
  ['targetCes', 1, 7, 'must be a CES from 1 to 7'],
];

/**
 * What is wrong with a journey configuration as a whole, each problem naming the touchpoint and
 * the field: a key or label that another touchpoint already answers to (case and accents aside,
 * an answer could not tell them apart), a target out of its range, a journey whose orders are not
 * 1, 2, 3… without gap or repeat. Empty when the configuration is valid.
 * @param touchpoints the configuration, in the order the admin listed it
 */
export function journeyProblems(touchpoints: readonly Touchpoint[]): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const owners = new Map<string, number>();
  touchpoints.forEach((touchpoint, index) => {
    for (const field of ['key', 'labelEn', 'labelFr'] as const) {
      const form = normalizeTouchpointLabel(touchpoint[field]);
      const owner = owners.get(form);
      if (form === '') problems.push({ index, field, message: 'must contain a letter or a digit' });
      else if (owner !== undefined && owner !== index)
        problems.push({
          index,
          field,
          message: `"${touchpoint[field]}" is already a key or label of touchpoint "${(touchpoints[owner] as Touchpoint).key}" (case and accents aside)`,
        });
      else owners.set(form, index);
    }
    for (const [field, min, max, message] of RANGES) {
      const value = touchpoint[field];
      if (value !== undefined && !(Number(value) >= min && Number(value) <= max))
        problems.push({ index, field, message });
    }
  });
  const byJourney = new Map<string, number[]>();
  touchpoints.forEach((touchpoint, index) => {
    byJourney.set(touchpoint.journey, [...(byJourney.get(touchpoint.journey) ?? []), index]);
  });
  for (const [journey, indexes] of byJourney) {
    const seen = new Set<number>();
    for (const index of indexes) {
      const { order } = touchpoints[index] as Touchpoint;
      const message =
        !Number.isInteger(order) || order < 1 || order > indexes.length
          ? `must be a whole number from 1 to ${indexes.length}: journey "${journey}" has ${indexes.length} touchpoint${indexes.length > 1 ? 's' : ''}, ordered 1, 2, 3… without gaps`
          : seen.has(order)
            ? `repeats order ${order} of journey "${journey}"`
            : undefined;
      if (message) problems.push({ index, field: 'order', message });
      seen.add(order);
    }
  }
  return problems.sort((a, b) => a.index - b.index);
}

/** The journey in force after a new configuration was read. */
export interface AdoptedJourney {
  readonly touchpoints: readonly Touchpoint[];
  /** True when the new configuration was refused and the previous one stays in force. */
  readonly kept: boolean;
  readonly problems: readonly JourneyProblem[];
}

/**
 * Takes a new configuration if it is valid; otherwise the last valid one stays in force, so that
 * an admin's half-finished edit never regroups every answer.
 * @param current the configuration in force
 * @param candidate the configuration just read
 */
export function adoptJourney(
  current: readonly Touchpoint[],
  candidate: readonly Touchpoint[],
): AdoptedJourney {
  const problems = journeyProblems(candidate);
  return problems.length === 0
    ? { touchpoints: candidate, kept: false, problems }
    : { touchpoints: current, kept: true, problems };
}

/**
 * The journeys that have more touchpoints than the seeds advise (15), with their size.
 * @param touchpoints the configuration
 */
export function oversizedJourneys(
  touchpoints: readonly Touchpoint[],
): { journey: string; steps: number }[] {
  const sizes = new Map<string, number>();
  for (const touchpoint of touchpoints)
    sizes.set(touchpoint.journey, (sizes.get(touchpoint.journey) ?? 0) + 1);
  return [...sizes]
    .filter(([, steps]) => steps > MAX_ADVISED_JOURNEY_STEPS)
    .map(([journey, steps]) => ({ journey, steps }));
}
