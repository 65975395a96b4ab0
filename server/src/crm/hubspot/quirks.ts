import type { CrmQuirks } from '../classify.ts';

/**
 * HubSpot's errors and limits as data (developers.hubspot.com "API usage guidelines and limits",
 * "Error handling"; the official client's RetryDecorator; ../shared/docs/crm-api.md §H). The 429
 * bodies are told apart by their exact `policyName` and `message`.
 */
export const HUBSPOT_QUIRKS: CrmQuirks = {
  name: 'HubSpot',
  statuses: [
    {
      status: 429,
      body: { policyName: ['DAILY'] },
      retryable: true,
      waitMs: 60 * 60_000,
      why: 'the daily limit: tried again hourly until the day turns',
    },
    {
      status: 429,
      body: { policyName: ['SECONDLY'] },
      retryable: true,
      waitMs: 1_000,
      why: 'the search API allows 5 requests a second',
    },
    {
      status: 429,
      body: { message: ['You have reached your secondly limit.'] },
      retryable: true,
      waitMs: 1_000,
      why: 'the search limit, as the official client recognises it',
    },
    {
      status: 429,
      retryable: true,
      waitMs: 10_000,
      why: 'the ten-secondly rolling window (TEN_SECONDLY_ROLLING)',
    },
    {
      status: 423,
      retryable: true,
      minWaitMs: 2_000,
      why: 'locked on high-volume syncs: "include a delay of at least 2 seconds"',
    },
    {
      status: 401,
      retryable: true,
      waitMs: 30_000,
      why: 'an expired or revoked token: the records wait for it to be fixed',
    },
    {
      status: 477,
      retryable: true,
      why: 'migration in progress, with a Retry-After (up to 24 h)',
    },
    { status: '5xx', retryable: true, why: 'treated like a 429 under load' },
  ],
  transientCodes: [],
  // Batch error categories that no retry can fix; any other (a lock, a timeout) may pass later.
  permanentRecordCodes: ['VALIDATION_ERROR', 'CONFLICT', 'OBJECT_NOT_FOUND'],
  unansweredIsNetwork: true,
  bodyCodeFields: ['category', 'policyName'],
  headers: {
    retryAfter: 'retry-after',
    // Not sent on search answers; a 429 without Retry-After waits for the window they describe.
    windowRemaining: 'x-hubspot-ratelimit-remaining',
    windowMs: 'x-hubspot-ratelimit-interval-milliseconds',
  },
};
