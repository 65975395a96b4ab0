import { z } from 'zod';
import { CALLBACK_STATUSES, CALLBACK_TARGET_STATUSES } from '../callbacks/states.ts';
import { ALERT_KINDS } from '../thresholds/kinds.ts';
import { idSchema, instantSchema, labelSchema, longTextSchema } from './common.ts';

/**
 * A callback: the call that closes the loop with a customer, as Boucle stores it and the
 * `GET /v1/callbacks` API returns it.
 */
export const callbackSchema = z.strictObject({
  id: idSchema,
  answerId: idSchema,
  kind: z.enum(ALERT_KINDS, { error: `must be one of ${ALERT_KINDS.join(', ')}` }),
  status: z.enum(CALLBACK_STATUSES, { error: `must be one of ${CALLBACK_STATUSES.join(', ')}` }),
  assignee: labelSchema.optional(),
  accountKey: labelSchema.optional(),
  respondentEmail: z.email({ error: 'must be an email address' }).optional(),
  slaHours: z.number().positive({ error: 'must be more than 0 hours' }),
  createdAt: instantSchema,
  dueAt: instantSchema,
  escalateAt: instantSchema.optional(),
  firstContactAt: instantSchema.optional(),
  reachedAt: instantSchema.optional(),
  escalatedAt: instantSchema.optional(),
  closedAt: instantSchema.optional(),
  outcome: labelSchema.optional(),
  rootCause: labelSchema.optional(),
  notes: longTextSchema.optional(),
  followUpAction: labelSchema.optional(),
});

/** A callback. */
export type Callback = z.output<typeof callbackSchema>;

/**
 * What a manager logs on a callback (`PATCH /v1/callbacks/{id}`, the Salesforce logger, the HubSpot
 * card): the state it moves to, when, and what came of it.
 */
export const callbackOutcomeSchema = z.strictObject({
  status: z.enum(CALLBACK_TARGET_STATUSES, {
    error: `must be one of ${CALLBACK_TARGET_STATUSES.join(', ')}`,
  }),
  at: instantSchema.optional(),
  outcome: labelSchema.optional(),
  rootCause: labelSchema.optional(),
  notes: longTextSchema.optional(),
  followUpAction: labelSchema.optional(),
});

/** A logged outcome. */
export type CallbackOutcome = z.output<typeof callbackOutcomeSchema>;
