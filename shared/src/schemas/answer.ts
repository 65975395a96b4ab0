import { z } from 'zod';
import { METRICS, SCORE_RANGES, isValidScore, type Metric } from '../nps/metrics.ts';
import {
  emailSchema,
  eventInstantSchema,
  idSchema,
  labelSchema,
  longTextSchema,
  sourceSchema,
} from './common.ts';

/** A survey metric. */
export const metricSchema = z.enum(METRICS, { error: 'must be one of nps, csat, ces' });

/**
 * Tells whether a score is within its metric's range; a value whose score or metric is already
 * wrong has its own issue, so it passes here.
 * @param value an answer-like object
 */
export function scoreFitsMetric(value: unknown): boolean {
  // The check runs even when other fields are wrong, so the value may not even be an object.
  if (typeof value !== 'object' || value === null) return true;
  const { metric, score } = value as { metric?: unknown; score?: unknown };
  return (
    typeof score !== 'number' ||
    !METRICS.includes(metric as Metric) ||
    isValidScore(metric as Metric, score)
  );
}

/**
 * Parameters of the {@link scoreFitsMetric} refinement: reported on `score`, and run even when
 * other fields are wrong (`when`), so that a client sees every problem in one answer.
 */
export const scoreFitsMetricParams = {
  path: ['score'],
  when: () => true,
  error: (issue: { input: unknown }) => {
    const metric = (issue.input as { metric: Metric }).metric;
    const range = SCORE_RANGES[metric];
    return `must be an integer from ${range.min} to ${range.max} for metric ${metric}`;
  },
};

/** Who answered. */
export const respondentSchema = z.strictObject({
  email: emailSchema.optional(),
  name: z
    .string({ error: 'must be a string' })
    .max(255, { error: 'must be at most 255 characters' })
    .optional(),
  crmContactId: idSchema.optional(),
  hubspotContactId: idSchema.optional(),
});

/** Which account (company) the answer is about: at least one key. */
export const accountRefSchema = z
  .strictObject({
    domain: z
      .string({ error: 'must be a string' })
      .trim()
      .toLowerCase()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        error: 'must be a domain name such as acme.example',
      })
      .optional(),
    crmAccountId: idSchema.optional(),
    hubspotCompanyId: idSchema.optional(),
  })
  .refine((ref) => ref.domain ?? ref.crmAccountId ?? ref.hubspotCompanyId, {
    error: 'needs at least one of domain, crmAccountId, hubspotCompanyId',
  });

/**
 * A customer's survey answer (`POST /v1/answers`). `id` is the idempotency key within `source`:
 * the same answer sent twice is one answer.
 */
export const answerSchema = z
  .strictObject({
    id: idSchema,
    source: sourceSchema.default('api'),
    metric: metricSchema.default('nps'),
    score: z.number({ error: 'must be a number' }),
    comment: longTextSchema.optional(),
    touchpoint: labelSchema.optional(),
    answeredAt: eventInstantSchema,
    language: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
        error: 'must be a BCP 47 language tag such as fr or en-GB',
      })
      .optional(),
    respondent: respondentSchema.optional(),
    account: accountRefSchema.optional(),
    interactionId: idSchema.optional(),
    employeeEmail: emailSchema.optional(),
  })
  .refine(scoreFitsMetric, scoreFitsMetricParams);

/** A validated answer, defaults applied. */
export type Answer = z.output<typeof answerSchema>;
/** An answer as a client may send it (source and metric optional). */
export type AnswerInput = z.input<typeof answerSchema>;

/**
 * An answer the sync can deliver: it names its respondent (an e-mail or a contact id) or its
 * account. One with neither could never be matched to a CRM record and would wait for ever.
 */
export const deliverableAnswerSchema = answerSchema.superRefine((answer, ctx) => {
  const { respondent } = answer;
  if (respondent?.email ?? respondent?.crmContactId ?? respondent?.hubspotContactId) return;
  if (answer.account) return;
  ctx.addIssue({
    code: 'custom',
    path: ['respondent'],
    message: 'required (an email, crmContactId or hubspotContactId) unless account is given',
  });
  ctx.addIssue({
    code: 'custom',
    path: ['account'],
    message: 'required unless respondent has an email or a contact id',
  });
});

/** A batch of 1 to 1,000 answers. */
export const answerBatchSchema = z.strictObject({
  answers: z
    .array(deliverableAnswerSchema)
    .min(1, { error: 'must hold at least one answer' })
    .max(1000, { error: 'must hold at most 1,000 answers' }),
});

/**
 * The body of `POST /v1/answers`: one answer, or `{"answers": [...]}` with 1 to 1,000. A body with
 * an `answers` key is read as a batch, anything else as one answer, so errors name the real field
 * (`answers.3.score`) rather than "matches neither form". Output: always the list of answers.
 */
export const answersBodySchema = z.unknown().transform((body, ctx): Answer[] => {
  if (Array.isArray(body)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be one answer object, or {"answers": [...]} for several, not a list',
    });
    return z.NEVER;
  }
  const isBatch = typeof body === 'object' && body !== null && 'answers' in body;
  const result = isBatch
    ? answerBatchSchema.safeParse(body)
    : deliverableAnswerSchema.safeParse(body);
  if (result.success) return 'answers' in result.data ? result.data.answers : [result.data];
  for (const issue of result.error.issues) {
    ctx.issues.push({ ...issue, input: body } as (typeof ctx.issues)[number]);
  }
  return z.NEVER;
});
