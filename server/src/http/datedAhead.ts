import { MAX_FUTURE_SKEW_MS, isDatedAhead } from '@boucle/shared/schemas';
import { ApiError } from '../errors.ts';

/**
 * Refuses answers or ratings dated further ahead of the server's clock than clocks drift: they
 * would raise callbacks due on days nobody answered. Each issue names the record's field, within
 * its batch (`answers.3.answeredAt`) when the body was one.
 */
export function refuseDatedAhead(
  records: readonly { readonly answeredAt?: string; readonly ratedAt?: string }[],
  field: 'answeredAt' | 'ratedAt',
  now: number,
  batch?: 'answers' | 'ratings',
): void {
  const issues = records.flatMap((record, index) =>
    isDatedAhead(String(record[field]), now)
      ? [
          {
            path: batch ? `${batch}.${index}.${field}` : field,
            message: `must not be more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of the server's clock (${new Date(now).toISOString()})`,
          },
        ]
      : [],
  );
  if (issues.length > 0)
    throw new ApiError(400, 'validation_failed', `${field} is in the future`, issues);
}

/** Whether a request body is a batch (`{"answers": [...]}`) rather than one record. */
export const isBatch = (body: unknown, key: 'answers' | 'ratings'): boolean =>
  typeof body === 'object' && body !== null && key in body;
