import { z } from 'zod';

const whole = (what: string) =>
  z
    .number({ error: `must be a number (HubSpot sends ${what} as a JSON number)` })
    .int({ error: 'must be a whole number' })
    .nonnegative({ error: 'must not be negative' });

/**
 * One event of a HubSpot webhook delivery (an array of up to 100), as HubSpot documents it:
 * `eventId`, `subscriptionType`, and for CRM object events the `objectId`, all numbers but the
 * type. Fields Boucle does not read are let through. A `contact.privacyDeletion` must name its
 * contact.
 */
export const hubspotEventSchema = z
  .looseObject({
    eventId: whole('eventId'),
    subscriptionType: z
      .string({ error: 'must be a string such as contact.privacyDeletion' })
      .min(1, { error: 'must not be empty' })
      .max(200, { error: 'must be at most 200 characters' }),
    objectId: whole('objectId').optional(),
    portalId: whole('portalId').optional(),
    occurredAt: whole('occurredAt').optional(),
    attemptNumber: whole('attemptNumber').optional(),
  })
  .refine(
    (event) => event.subscriptionType !== 'contact.privacyDeletion' || event.objectId !== undefined,
    {
      path: ['objectId'],
      error: 'is required for contact.privacyDeletion',
    },
  );
export type HubSpotEvent = z.output<typeof hubspotEventSchema>;
