/**
 * Error raised by the domain when a caller passes data the domain cannot work with (a score out
 * of its metric's range, a weight that is not a finite non-negative number...). Input coming from
 * users is validated by the zod schemas first; reaching this error means a programming mistake or
 * unvalidated data, and `field` says which value was wrong.
 */
export class DomainError extends Error {
  /** Stable machine-readable code, e.g. `score_out_of_range`. */
  readonly code: string;
  /** Dotted path of the offending value, e.g. `score` or `businessHours.timeZone`. */
  readonly field: string;

  /**
   * @param code stable machine-readable code
   * @param field dotted path of the offending value
   * @param message human-readable explanation that names the field
   */
  constructor(code: string, field: string, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
  }
}
