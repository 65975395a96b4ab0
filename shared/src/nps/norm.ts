/** An NPS with its margin, as compared with a norm. */
export interface NpsWithMargin {
  readonly nps: number | null;
  readonly margin: number | null;
}

/** How a subject (an account, a team) stands against a norm (the org, a region). */
export interface NormComparison {
  /** subject − norm, in points; `null` when either has no NPS. */
  readonly delta: number | null;
  /**
   * Half-width of the 95% interval of the difference, sqrt(m₁² + m₂²): the margins of two
   * independent samples add in quadrature, not linearly.
   */
  readonly combinedMargin: number | null;
  /** True when |delta| exceeds the combined margin: the gap is unlikely to be noise. */
  readonly significant: boolean;
  /** `level` unless the difference is significant. */
  readonly direction: 'above' | 'below' | 'level';
}

/**
 * Compares an NPS with a norm. Used both for "me versus the norm" and for "this period versus the
 * previous one".
 * @param subject the NPS being judged
 * @param norm the reference NPS
 */
export function compareWithNorm(subject: NpsWithMargin, norm: NpsWithMargin): NormComparison {
  if (
    subject.nps === null ||
    norm.nps === null ||
    subject.margin === null ||
    norm.margin === null
  ) {
    return { delta: null, combinedMargin: null, significant: false, direction: 'level' };
  }
  const delta = subject.nps - norm.nps;
  const combinedMargin = Math.hypot(subject.margin, norm.margin);
  const significant = Math.abs(delta) > combinedMargin;
  let direction: NormComparison['direction'] = 'level';
  if (significant) direction = delta > 0 ? 'above' : 'below';
  return { delta, combinedMargin, significant, direction };
}
