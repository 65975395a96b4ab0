import { normalizeTouchpointLabel, touchpointMatcher, type Touchpoint } from './touchpoints.ts';

/** A touchpoint answers used that matches no configured one. */
export interface UnknownTouchpoint {
  /** The label as first sent. */
  readonly label: string;
  /** Every spelling seen (case and accents apart they are one touchpoint), as sent. */
  readonly variants: readonly string[];
  /** How many answers carried it. */
  readonly answers: number;
}

/**
 * The touchpoints answers used that match none of the configured ones, for the admin
 * (`GET /v1/touchpoints?unknown=true`, `doctor`): spellings that differ only by case, accents or
 * punctuation are one, most answered first.
 * @param counts each distinct label as sent, with how many answers carried it
 * @param touchpoints the configured touchpoints
 */
export function unknownTouchpoints(
  counts: Iterable<{ readonly label: string; readonly answers: number }>,
  touchpoints: readonly Touchpoint[],
): UnknownTouchpoint[] {
  const match = touchpointMatcher(touchpoints);
  const byForm = new Map<string, { label: string; variants: string[]; answers: number }>();
  for (const { label, answers } of counts) {
    const form = normalizeTouchpointLabel(label);
    if (form === '' || match(label)) continue;
    const known = byForm.get(form);
    if (known) {
      known.answers += answers;
      if (!known.variants.includes(label)) known.variants.push(label);
    } else byForm.set(form, { label, variants: [label], answers });
  }
  return [...byForm.values()].sort((a, b) => b.answers - a.answers);
}
