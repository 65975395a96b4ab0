import { CrmError } from '../errors.ts';

/** Salesforce record or request error codes that can succeed when tried again. */
const SALESFORCE_TRANSIENT = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'INVALID_SESSION_ID',
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'PROCESSING_HALTED',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ABORT_ERR',
]);

/**
 * Whether a failed Salesforce call or record may succeed if tried again, as a pure function of the
 * error code and HTTP status: lock contention, limits, unavailability and network failures are
 * transient; validation and schema errors are not (retrying them only burns API calls).
 * @param code the Salesforce errorCode / statusCode, or a network error code
 * @param status the HTTP status, when there was a response
 */
export function salesforceRetryable(code: string, status?: number): boolean {
  if (SALESFORCE_TRANSIENT.has(code) || NETWORK_CODES.has(code)) return true;
  if (status !== undefined && (status === 429 || status >= 500 || status === 420)) return true;
  return false;
}

/**
 * Whether a failed HubSpot call may succeed later, and after how long: 429 (honouring
 * Retry-After, else 10 s for the rolling window, 1 s for search), 423 locks (at least 2 s, as
 * HubSpot asks), 5xx and network failures are transient; the daily limit waits for tomorrow;
 * other 4xx are not retryable.
 * @param status the HTTP status (undefined for network errors)
 * @param body the parsed error body
 * @param retryAfter the Retry-After header, in seconds
 */
export function hubspotRetry(
  status: number | undefined,
  body: Record<string, unknown> | undefined,
  retryAfter?: string,
): { retryable: boolean; waitMs?: number } {
  const header =
    retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  if (status === undefined) return { retryable: true };
  if (status === 429) {
    if (body?.policyName === 'DAILY') return { retryable: true, waitMs: header ?? 60 * 60_000 };
    if (
      body?.policyName === 'SECONDLY' ||
      body?.message === 'You have reached your secondly limit.'
    )
      return { retryable: true, waitMs: header ?? 1_000 };
    return { retryable: true, waitMs: header ?? 10_000 };
  }
  if (status === 423) return { retryable: true, waitMs: Math.max(header ?? 0, 2_000) };
  if (status === 401) return { retryable: true, waitMs: header ?? 30_000 };
  if (status >= 500 || status === 477)
    return { retryable: true, ...(header !== undefined && { waitMs: header }) };
  return { retryable: false };
}

/** Turns anything thrown by a CRM client into a {@link CrmError}. */
export function asCrmError(
  error: unknown,
  classify: (
    code: string,
    status?: number,
    body?: unknown,
    headers?: Record<string, string>,
  ) => { retryable: boolean; waitMs?: number },
): CrmError {
  if (error instanceof CrmError) return error;
  const e = error as {
    errorCode?: string;
    code?: string | number;
    name?: string;
    message?: string;
    statusCode?: number;
    body?: unknown;
    headers?: Record<string, string>;
    cause?: { code?: string };
  };
  const status = typeof e.code === 'number' ? e.code : e.statusCode;
  const code = String(
    e.errorCode ??
      (typeof e.code === 'string' ? e.code : undefined) ??
      e.cause?.code ??
      (status ? `http_${status}` : (e.name ?? 'ERROR')),
  );
  const verdict = classify(code, status, e.body, e.headers);
  return new CrmError(code, e.message ?? String(error), verdict.retryable, verdict.waitMs);
}
