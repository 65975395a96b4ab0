import { CrmError } from '../errors.ts';

/**
 * What the queue needs to know of a failure, as a pure function of what the CRM answered (as
 * Nango's retry decision is): whether trying again can help, how long to wait first, and the
 * reason dead letters and the sync log show (`code: message`).
 */
export interface FailureVerdict {
  readonly retryable: boolean;
  readonly waitMs?: number;
  readonly reason: string;
}

/** A failed call or record, as the CRM's client library reported it. */
export interface CrmFailure {
  /** The HTTP status; none when no answer came (the network) or the client hides it (jsforce). */
  readonly status?: number;
  /** The CRM's error code or category, a network error code, or `http_<status>`. */
  readonly code: string;
  readonly message: string;
  /** The parsed error body (HubSpot's `policyName`, `category`...). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** The response headers, lower-case names. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/** How a CRM answers one HTTP status: first rule matching the status (and the body) wins. */
export interface StatusRule {
  /** A status, or every 5xx. */
  readonly status: number | '5xx';
  /** Matches only when each of these body fields has one of these values. */
  readonly body?: Readonly<Record<string, readonly string[]>>;
  readonly retryable: boolean;
  /** The wait when the CRM sends no Retry-After (nor a spent window in its rate-limit headers). */
  readonly waitMs?: number;
  /** A floor on the wait, whatever Retry-After says (HubSpot's 2 s locks). */
  readonly minWaitMs?: number;
  /** The CRM's documentation for it: why the rule exists. */
  readonly why: string;
}

/** A CRM's error vocabulary, limits and rate-limit headers, as data (`crm/<crm>/quirks.ts`). */
export interface CrmQuirks {
  readonly name: string;
  /** First matching rule per status; statuses matching none are not retryable. */
  readonly statuses: readonly StatusRule[];
  /** Error codes (of a call or of a record) that can succeed when tried again. */
  readonly transientCodes: readonly string[];
  /**
   * For CRMs that list the hopeless ones instead: a record error is retryable unless its code is
   * listed here (HubSpot's batch error categories).
   */
  readonly permanentRecordCodes?: readonly string[];
  /** A failure without HTTP status is the network, and retryable (the client exposes statuses). */
  readonly unansweredIsNetwork: boolean;
  /** Body fields holding the error code, first present wins. */
  readonly bodyCodeFields: readonly string[];
  readonly headers: {
    /** Seconds to wait, on 429 and 503 answers. */
    readonly retryAfter?: string;
    /** Calls left in the current window, and the window's length in ms. */
    readonly windowRemaining?: string;
    readonly windowMs?: string;
    /** `api-usage=<used>/<limit>`: the daily allocation (Salesforce). */
    readonly apiUsage?: string;
  };
  /** How long to wait when the API usage header says the daily allocation is spent. */
  readonly allocationSpentWaitMs?: number;
}

/** Errors of a connection that never got an answer: always worth trying again. */
export const NETWORK_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ABORT_ERR',
];

const seconds = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;

function ruleFor(quirks: CrmQuirks, failure: CrmFailure): StatusRule | undefined {
  const { status, body } = failure;
  if (status === undefined) return undefined;
  return quirks.statuses.find(
    (rule) =>
      (rule.status === status || (rule.status === '5xx' && status >= 500 && status < 600)) &&
      Object.entries(rule.body ?? {}).every(([field, values]) =>
        values.includes(String(body?.[field] ?? '')),
      ),
  );
}

/** `api-usage=<used>/<limit>` of Salesforce's Sforce-Limit-Info header, if present. */
export function apiUsage(header: string | undefined): { used: number; limit: number } | undefined {
  const match = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : undefined;
}

/**
 * Whether a failed call may succeed if tried again, and after how long, from the CRM's quirks:
 * the rule of its status (429 policies, locks, 5xx...), else its code (lock contention, limits,
 * network), else not retryable (validation and schema errors: retrying only burns API calls). A
 * Retry-After, or a spent window in the rate-limit headers, sets the wait.
 */
export function classifyFailure(quirks: CrmQuirks, failure: CrmFailure): FailureVerdict {
  const reason = `${failure.code}: ${failure.message}`;
  const headers = failure.headers ?? {};
  const rule = ruleFor(quirks, failure);
  const retryable =
    rule?.retryable ??
    (quirks.transientCodes.includes(failure.code) ||
      NETWORK_CODES.includes(failure.code) ||
      (failure.status === undefined && quirks.unansweredIsNetwork));
  if (!retryable) return { retryable, reason };
  const retryAfter = seconds(quirks.headers.retryAfter && headers[quirks.headers.retryAfter]);
  const windowSpent =
    quirks.headers.windowRemaining && headers[quirks.headers.windowRemaining] === '0'
      ? Number(headers[quirks.headers.windowMs ?? ''] ?? NaN)
      : NaN;
  let waitMs = retryAfter ?? (Number.isFinite(windowSpent) ? windowSpent : rule?.waitMs);
  if (rule?.minWaitMs !== undefined) waitMs = Math.max(waitMs ?? 0, rule.minWaitMs);
  const usage = apiUsage(quirks.headers.apiUsage && headers[quirks.headers.apiUsage]);
  if (usage && usage.used >= usage.limit && quirks.allocationSpentWaitMs !== undefined)
    waitMs = Math.max(waitMs ?? 0, quirks.allocationSpentWaitMs);
  return { retryable, reason, ...(waitMs !== undefined && { waitMs }) };
}

/** A record the CRM refused in a batch answer (Salesforce SaveResult, HubSpot batch error). */
export function recordError(quirks: CrmQuirks, code: string, message: string): CrmError {
  const retryable = quirks.permanentRecordCodes
    ? !quirks.permanentRecordCodes.includes(code)
    : quirks.transientCodes.includes(code);
  return new CrmError(code, message, retryable);
}

/** A failed call's error as a {@link CrmError}, its verdict from {@link classifyFailure}. */
export function failedCall(quirks: CrmQuirks, failure: CrmFailure): CrmError {
  const verdict = classifyFailure(quirks, failure);
  return new CrmError(
    failure.code,
    failure.message,
    verdict.retryable,
    verdict.waitMs,
    failure.status,
  );
}

/**
 * What a CRM client threw, read once for both clients: jsforce's HttpApiError (`errorCode`, no
 * status), @hubspot/api-client's ApiException (`code` as the HTTP status, `body`, `headers`), and
 * fetch's network errors (`cause.code`).
 */
export function failureOf(quirks: CrmQuirks, error: unknown): CrmFailure {
  const e = (error ?? {}) as {
    errorCode?: string;
    code?: string | number;
    name?: string;
    message?: string;
    statusCode?: number;
    body?: unknown;
    headers?: Record<string, string | undefined>;
    cause?: { code?: string };
  };
  const status = typeof e.code === 'number' ? e.code : e.statusCode;
  const body =
    e.body && typeof e.body === 'object' ? (e.body as Record<string, unknown>) : undefined;
  const bodyCode = quirks.bodyCodeFields.map((field) => body?.[field]).find(Boolean);
  const code = String(
    e.errorCode ??
      (status !== undefined ? (bodyCode ?? `http_${status}`) : undefined) ??
      (typeof e.code === 'string' ? e.code : undefined) ??
      e.cause?.code ??
      (quirks.unansweredIsNetwork ? 'network_error' : (e.name ?? 'ERROR')),
  );
  const message = String(
    (typeof body?.message === 'string' ? body.message : undefined) ?? e.message ?? error,
  );
  return {
    ...(status !== undefined && { status }),
    code,
    message,
    ...(body && { body }),
    ...(e.headers && typeof e.headers === 'object' && { headers: e.headers }),
  };
}

/** Turns anything a CRM client threw into a classified {@link CrmError}. */
export function asCrmError(quirks: CrmQuirks, error: unknown): CrmError {
  if (error instanceof CrmError) return error;
  return failedCall(quirks, failureOf(quirks, error));
}
