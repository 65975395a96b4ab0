import type { CrmQuirks } from '../classify.ts';

/**
 * Salesforce's errors and limits as data (REST API Developer Guide, "Status Codes and Error
 * Responses" and "API Request Limits and Allocations"; ../shared/docs/crm-api.md §S). jsforce
 * hides the HTTP status of a failed request, so its error code decides; Composite subrequests
 * carry their status.
 */
export const SALESFORCE_QUIRKS: CrmQuirks = {
  name: 'Salesforce',
  statuses: [
    { status: 429, retryable: true, why: 'too many requests' },
    { status: 420, retryable: true, why: 'Salesforce Edge rate limiting' },
    { status: '5xx', retryable: true, why: 'server unavailable or timed out' },
  ],
  transientCodes: [
    'UNABLE_TO_LOCK_ROW', // record or parent lock contention
    'REQUEST_LIMIT_EXCEEDED', // the daily allocation or concurrent long requests (403)
    'SERVER_UNAVAILABLE',
    'INVALID_SESSION_ID', // expired token: jsforce mints a new one on the next call
    'ALL_OR_NONE_OPERATION_ROLLED_BACK', // a record rolled back because another one failed
    'PROCESSING_HALTED',
    'UNKNOWN_EXCEPTION',
    'QUERY_TIMEOUT',
  ],
  unansweredIsNetwork: false,
  bodyCodeFields: [],
  headers: {
    // Salesforce sends no Retry-After nor X-RateLimit headers; every REST answer but `/` carries
    // `Sforce-Limit-Info: api-usage=<used>/<limit>` (jsforce keeps it as conn.limitInfo).
    apiUsage: 'sforce-limit-info',
  },
  // The allocation is counted over a rolling 24 h: an hour later some of it is back.
  allocationSpentWaitMs: 60 * 60_000,
};
