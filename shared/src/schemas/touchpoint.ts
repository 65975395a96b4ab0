import { z } from 'zod';
import { journeyProblems } from '../journey/validate.ts';
import { labelSchema } from './common.ts';

const slug = (example: string) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
      error: `must be lowercase letters and digits separated by single hyphens, e.g. "${example}"`,
    })
    .max(40, { error: 'must be at most 40 characters' });

const target = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be a number from ${min} to ${max}` })
    .min(min, { error: `must be ${what} from ${min} to ${max}` })
    .max(max, { error: `must be ${what} from ${min} to ${max}` });

/**
 * A touchpoint of the journey (Salesforce `Touchpoint__mdt`, HubSpot settings page): its key,
 * English and French labels, journey and place in it, target NPS and optional CSAT / CES targets.
 */
export const touchpointSchema = z.strictObject({
  key: slug('after-sale'),
  labelEn: labelSchema.max(80, { error: 'must be at most 80 characters' }),
  labelFr: labelSchema.max(80, { error: 'must be at most 80 characters' }),
  journey: slug('b2b').default('b2b'),
  order: z
    .number({ error: 'must be a whole number from 1' })
    .int({ error: 'must be a whole number from 1' })
    .min(1, { error: 'must be a whole number from 1' }),
  targetNps: target(-100, 100, 'an NPS'),
  targetCsat: target(0, 100, 'a CSAT percentage').optional(),
  targetCes: target(1, 7, 'a CES').optional(),
});

/** A touchpoint as an admin may write it. */
export type TouchpointInput = z.input<typeof touchpointSchema>;

/**
 * A journey configuration: touchpoints that no answer could confuse (no key or label shared, case
 * and accents aside) and whose orders run 1, 2, 3… in each journey. Every problem names the
 * touchpoint's position and field (`3.order`).
 */
export const touchpointsSchema = z
  .array(touchpointSchema)
  .max(200, { error: 'must hold at most 200 touchpoints' })
  .superRefine((touchpoints, ctx) => {
    // Targets out of range are already named by their field's schema.
    for (const problem of journeyProblems(touchpoints))
      if (!problem.field.startsWith('target'))
        ctx.addIssue({
          code: 'custom',
          path: [problem.index, problem.field],
          message: problem.message,
        });
  });
