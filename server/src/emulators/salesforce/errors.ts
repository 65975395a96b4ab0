// How the REST API refuses: per record (a SaveResult's errors, as sObject Collections report them)
// or the whole request (a status and the JSON array of errors).

/** One error of a record, as sObject Collections report it. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A per-record result (SaveResult / UpsertResult). */
export type SaveResult =
  | { id: string; success: true; errors: []; created?: boolean }
  | { success: false; errors: RecordError[] };

/** An error that fails the whole request: the REST API's JSON array of errors. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      Array.isArray(body) ? String((body[0] as { message?: unknown })?.message) : `HTTP ${status}`,
    );
  }
}

export const apiError = (status: number, errorCode: string, message: string, fields?: string[]) =>
  new RequestError(status, [{ message, errorCode, ...(fields && { fields }) }]);
