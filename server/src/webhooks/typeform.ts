import { z } from 'zod';
import type { AnswerInput } from '@boucle/shared/schemas';

/**
 * Which field of a Typeform form holds what. Without a mapping: the first `nps` or
 * `opinion_scale` answer is the score, the first `long_text` the comment, and hidden fields
 * `email`, `account`, `touchpoint`, `interaction_id` fill those.
 */
export const typeformMappingSchema = z.strictObject({
  score: z.string().optional(),
  metric: z.enum(['nps', 'csat', 'ces']).optional(),
  comment: z.string().optional(),
  email: z.string().optional(),
  account: z.string().optional(),
  touchpoint: z.string().optional(),
  interactionId: z.string().optional(),
});
export type TypeformMapping = z.output<typeof typeformMappingSchema>;

/** The parts of a Typeform `form_response` webhook Boucle reads. */
export const typeformPayloadSchema = z
  .object({
    event_id: z.string().min(1, { error: 'is required' }),
    event_type: z.literal('form_response', { error: 'must be form_response' }),
    form_response: z
      .object({
        form_id: z.string(),
        token: z.string().min(1, { error: 'is required' }),
        submitted_at: z.string(),
        hidden: z.record(z.string(), z.unknown()).optional(),
        answers: z.array(
          z
            .object({
              type: z.string(),
              field: z.object({ id: z.string(), type: z.string(), ref: z.string().optional() }),
              number: z.number().optional(),
              text: z.string().optional(),
              email: z.string().optional(),
              choice: z.object({ label: z.string().optional() }).optional(),
            })
            .loose(),
        ),
      })
      .loose(),
  })
  .loose();
export type TypeformPayload = z.output<typeof typeformPayloadSchema>;

/** An account value from a hidden field: a Salesforce Account id, a HubSpot company id or a domain. */
export function accountRef(value: unknown): AnswerInput['account'] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^001[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(text)) return { crmAccountId: text };
  if (/^\d+$/.test(text)) return { hubspotCompanyId: text };
  return { domain: text.toLowerCase() };
}

/**
 * Turns a Typeform response into an answer of the API (validated afterwards by the answer schema,
 * so a form without a score field is refused with the field named).
 */
export function typeformAnswer(
  payload: TypeformPayload,
  mapping: TypeformMapping = {},
): AnswerInput {
  const response = payload.form_response;
  const hidden = response.hidden ?? {};
  const byRef = (ref: string | undefined) =>
    ref ? response.answers.find((a) => a.field.ref === ref || a.field.id === ref) : undefined;
  const scoreAnswer =
    byRef(mapping.score) ??
    response.answers.find((a) => a.field.type === 'nps' || a.field.type === 'opinion_scale');
  const commentAnswer =
    byRef(mapping.comment) ?? response.answers.find((a) => a.field.type === 'long_text');
  const hiddenOr = (name: string | undefined, fallback: string) => {
    const value = hidden[name ?? fallback];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const email =
    hiddenOr(mapping.email, 'email') ??
    byRef(mapping.email)?.email ??
    response.answers.find((a) => a.type === 'email')?.email;
  const account = accountRef(hiddenOr(mapping.account, 'account') ?? hidden.account_id);
  const crmContactId =
    typeof hidden.crm_contact_id === 'string' ? hidden.crm_contact_id : undefined;
  const metric = mapping.metric ?? (scoreAnswer?.field.type === 'rating' ? 'csat' : 'nps');
  const touchpoint = hiddenOr(mapping.touchpoint, 'touchpoint');
  const interactionId = hiddenOr(mapping.interactionId, 'interaction_id');
  return {
    id: response.token,
    source: 'typeform',
    metric,
    score: scoreAnswer?.number as number,
    ...(commentAnswer?.text && { comment: commentAnswer.text }),
    answeredAt: response.submitted_at,
    ...((email || crmContactId) && {
      respondent: { ...(email && { email }), ...(crmContactId && { crmContactId }) },
    }),
    ...(account && { account }),
    ...(touchpoint && { touchpoint }),
    ...(interactionId && { interactionId }),
  };
}
