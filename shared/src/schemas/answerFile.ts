import { z } from 'zod';
import {
  emailSchema,
  eventInstantSchema,
  idSchema,
  labelSchema,
  longTextSchema,
} from './common.ts';
import { metricSchema, scoreFitsMetric, scoreFitsMetricParams } from './answer.ts';

/** The columns a CSV answer file may have (any order; `id` and `score` required). */
export const ANSWER_FILE_COLUMNS = [
  'id',
  'metric',
  'score',
  'touchpoint',
  'answeredAt',
  'accountKey',
  'email',
  'comment',
  'interactionId',
  'employeeEmail',
] as const;

const optionalCell = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

/**
 * One row of a CSV answer file, as the text cells csv-parse returns: empty cells are absent,
 * `score` must be an integer within the metric's range, written without decimals.
 */
export const answerFileRowSchema = z
  .strictObject({
    id: idSchema,
    metric: optionalCell(metricSchema).transform((metric) => metric ?? 'nps'),
    score: z
      .string({ error: 'is required' })
      .trim()
      .regex(/^-?\d+$/, { error: 'must be a whole number' })
      .transform(Number),
    touchpoint: optionalCell(labelSchema),
    answeredAt: optionalCell(eventInstantSchema),
    accountKey: optionalCell(labelSchema),
    email: optionalCell(emailSchema),
    comment: optionalCell(longTextSchema),
    interactionId: optionalCell(idSchema),
    employeeEmail: optionalCell(emailSchema),
  })
  .refine(scoreFitsMetric, scoreFitsMetricParams);

/** A validated CSV row. */
export type AnswerFileRow = z.output<typeof answerFileRowSchema>;
