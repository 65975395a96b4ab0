import { z } from 'zod';
import {
  emailSchema,
  eventInstantSchema,
  idSchema,
  longTextSchema,
  sourceSchema,
} from './common.ts';

/**
 * An employee's rating (1–5) of the answer they gave on an interaction (`POST /v1/ratings`),
 * compared with the customer's score of the same `interactionId`. `id` is the idempotency key.
 */
export const ratingSchema = z.strictObject({
  id: idSchema,
  source: sourceSchema.default('api'),
  interactionId: idSchema,
  employeeEmail: emailSchema,
  rating: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer from 1 to 5' })
    .min(1, { error: 'must be an integer from 1 to 5' })
    .max(5, { error: 'must be an integer from 1 to 5' }),
  comment: longTextSchema.optional(),
  ratedAt: eventInstantSchema,
});

/** A validated employee rating. */
export type Rating = z.output<typeof ratingSchema>;
