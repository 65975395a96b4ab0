/**
 * The journey as configuration (domain §1 and §3): the touchpoints where customers are surveyed,
 * each with its key, its English and French labels, its journey and place in it, and its targets.
 * Salesforce keeps them in `Touchpoint__mdt`, HubSpot on the app's settings page; answers carry a
 * free label that is matched to them here.
 */

/** The targets of a touchpoint: NPS points (−100…100), CSAT percent (0…100), CES mean (1…7). */
export interface TouchpointTargets {
  readonly nps: number;
  readonly csat?: number;
  readonly ces?: number;
}

/** One configured touchpoint ("measurement point"). */
export interface Touchpoint {
  /** Stable identifier, e.g. `after-sale`: what answers are grouped under. */
  readonly key: string;
  readonly labelEn: string;
  readonly labelFr: string;
  /** The journey it belongs to (several are allowed, e.g. `sales` and `service`). */
  readonly journey: string;
  /** Its place in the journey: 1, 2, 3… without gaps. */
  readonly order: number;
  readonly targetNps: number;
  readonly targetCsat?: number;
  readonly targetCes?: number;
}

/** The fields of a touchpoint, as validation problems name them. */
export type TouchpointField = keyof Touchpoint;

/** The seeds' advice: "one industrial customer keeps each journey to 11–15 steps at most". */
export const MAX_ADVISED_JOURNEY_STEPS = 15;

/** The journey of the shipped touchpoints. */
export const DEFAULT_JOURNEY_NAME = 'b2b';

/**
 * The seeds' B2B journey, shipped (also the `Touchpoint__mdt` records of the Salesforce package):
 * pre-sale, contracting, after-sale. After-sale has a lower target than pre-sale, as the seeds
 * allow ("after-sale may have a lower target than pre-sale").
 */
export const DEFAULT_TOUCHPOINTS: readonly Touchpoint[] = [
  {
    key: 'pre-sale',
    labelEn: 'Pre-sale',
    labelFr: 'Avant-vente',
    journey: DEFAULT_JOURNEY_NAME,
    order: 1,
    targetNps: 40,
  },
  {
    key: 'contracting',
    labelEn: 'Contracting',
    labelFr: 'Contractualisation',
    journey: DEFAULT_JOURNEY_NAME,
    order: 2,
    targetNps: 30,
  },
  {
    key: 'after-sale',
    labelEn: 'After-sale',
    labelFr: 'Après-vente',
    journey: DEFAULT_JOURNEY_NAME,
    order: 3,
    targetNps: 20,
    targetCsat: 80,
  },
];

/**
 * The form under which labels are compared: accents removed, lower case, every run of spaces,
 * hyphens, underscores or punctuation as one space. "Après-vente", "apres vente" and
 * "APRÈS_VENTE" all read `apres vente`.
 * @param label a key or a label
 */
export function normalizeTouchpointLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The forms a touchpoint answers to: its key and both labels, normalized. */
export function touchpointForms(touchpoint: Touchpoint): string[] {
  return [
    ...new Set(
      [touchpoint.key, touchpoint.labelEn, touchpoint.labelFr].map(normalizeTouchpointLabel),
    ),
  ];
}

/** Finds the touchpoint a label means, built once for many answers. */
export type TouchpointMatcher = (label: string | undefined) => Touchpoint | undefined;

/**
 * A matcher of incoming labels against the configured touchpoints: a label meets a touchpoint
 * when it equals its key or either label, case- and accent-insensitively.
 * @param touchpoints the configured touchpoints (valid: no two share a form)
 */
export function touchpointMatcher(touchpoints: readonly Touchpoint[]): TouchpointMatcher {
  const byForm = new Map<string, Touchpoint>();
  for (const touchpoint of touchpoints)
    for (const form of touchpointForms(touchpoint))
      if (!byForm.has(form)) byForm.set(form, touchpoint);
  return (label) => (label ? byForm.get(normalizeTouchpointLabel(label)) : undefined);
}

/**
 * The touchpoint a label means, or `undefined` for an unknown (or absent) label.
 * @param label the label an answer carries, as sent
 * @param touchpoints the configured touchpoints
 */
export function matchTouchpoint(
  label: string | undefined,
  touchpoints: readonly Touchpoint[],
): Touchpoint | undefined {
  return touchpointMatcher(touchpoints)(label);
}

/**
 * The touchpoints in journey order: journeys in the order they first appear in the
 * configuration, and within each journey by `order`.
 * @param touchpoints the configured touchpoints
 */
export function orderJourney(touchpoints: readonly Touchpoint[]): Touchpoint[] {
  const journeys: string[] = [];
  for (const touchpoint of touchpoints)
    if (!journeys.includes(touchpoint.journey)) journeys.push(touchpoint.journey);
  return [...touchpoints].sort(
    (a, b) => journeys.indexOf(a.journey) - journeys.indexOf(b.journey) || a.order - b.order,
  );
}

/**
 * The label of a touchpoint in a language: French for `fr`, `fr-CA`…, English otherwise.
 * @param labels the English and French labels
 * @param language a BCP 47 tag such as `fr-FR`, or nothing
 */
export function touchpointLabel(
  labels: { readonly labelEn: string; readonly labelFr: string },
  language: string | undefined,
): string {
  return /^fr(\b|[-_])/i.test(language ?? '') ? labels.labelFr : labels.labelEn;
}
