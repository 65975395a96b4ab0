import type { FieldIssue } from '@boucle/shared/schemas';

/**
 * An error a request handler answers with: the HTTP status and the contract's error body
 * `{"error": {"code", "message", "issues"}}`. One middleware turns it into the response.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body() {
    return { error: { code: this.code, message: this.message, issues: this.issues } };
  }
}

/**
 * A failure talking to a CRM, as the queue needs to know it: a stable code (the CRM's error code
 * or `http_503`...), whether trying again can help, and how long to wait first when the CRM said.
 */
export class CrmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly waitMs?: number,
    /** The HTTP status, when the CRM answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}
