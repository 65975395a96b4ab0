import { COLUMN_DELIMITERS, type ColumnDelimiter, type LineEnding } from './bulkCsv.ts';
import type { FaultRule } from '../common.ts';
import { apiError, type SalesforceOrg } from './org.ts';

/** A Bulk API 2.0 ingest job of the emulator, and the requests that make and describe one. */

export const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
/** The operations the emulator runs; the others are refused (docs/emulators.md). */
const EMULATED = new Set(['insert', 'update', 'upsert']);

export type State = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface Job {
  readonly id: string;
  readonly object: string;
  readonly operation: (typeof OPERATIONS)[number];
  readonly externalIdFieldName?: string;
  readonly lineEnding: LineEnding;
  readonly columnDelimiter: ColumnDelimiter;
  readonly apiVersion: number;
  readonly createdById: string;
  readonly createdDate: string;
  systemModstamp: string;
  state: State;
  errorMessage?: string;
  data?: string;
  header: string[];
  rows: string[][];
  /** Rows not processed yet (in order); what remains when the job stops is unprocessed. */
  next: number;
  successful: string[][];
  failed: string[][];
  processed: number;
  startedAt?: number;
  totalProcessingTime: number;
  /** A per-record fault in force when the job was closed (tests' stand-in for validation rules). */
  fault?: FaultRule;
}

export const stamp = (at = Date.now()) => new Date(at).toISOString().replace('Z', '+0000');

/** A new Open job from a Create a Job request, or the request's refusal. */
export function newJob(
  org: SalesforceOrg,
  id: string,
  body: unknown,
  version: string,
  userId: string,
): Job {
  const request = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string) =>
    typeof request[name] === 'string' ? (request[name] as string) : undefined;
  const operation = text('operation');
  if (!operation || !(OPERATIONS as readonly string[]).includes(operation))
    throw apiError(
      400,
      'INVALIDJOB',
      `InvalidJob : operation: must be one of ${OPERATIONS.join(', ')}`,
    );
  if (!EMULATED.has(operation))
    throw apiError(
      400,
      'FEATURENOTENABLED',
      `The emulator does not run ${operation} jobs (insert, update and upsert only)`,
    );
  const object = [...org.schema.values()].find(
    (o) => o.name.toLowerCase() === (text('object') ?? '').toLowerCase(),
  );
  if (!object)
    throw apiError(400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${text('object')}`);
  if (object.customMetadata)
    throw apiError(400, 'INVALIDJOB', `InvalidJob : Entity '${object.name}' is not supported`);
  const contentType = text('contentType') ?? 'CSV';
  if (contentType !== 'CSV')
    throw apiError(400, 'INVALIDJOB', 'InvalidJob : contentType: the only valid value is CSV');
  const lineEnding = text('lineEnding') ?? 'LF';
  if (lineEnding !== 'LF' && lineEnding !== 'CRLF')
    throw apiError(400, 'INVALIDJOB', 'InvalidJob : lineEnding: must be LF or CRLF');
  const columnDelimiter = text('columnDelimiter') ?? 'COMMA';
  if (!(columnDelimiter in COLUMN_DELIMITERS))
    throw apiError(
      400,
      'INVALIDJOB',
      `InvalidJob : columnDelimiter: must be one of ${Object.keys(COLUMN_DELIMITERS).join(', ')}`,
    );
  let externalIdFieldName: string | undefined;
  if (operation === 'upsert') {
    const name = text('externalIdFieldName');
    const field = [...object.fields.values()].find(
      (f) => f.name.toLowerCase() === (name ?? '').toLowerCase(),
    );
    if (!name)
      throw apiError(
        400,
        'INVALIDJOB',
        'InvalidJob : externalIdFieldName: is required for upsert operations',
      );
    if (!field || !(field.externalId || field.name === 'Id'))
      throw apiError(
        400,
        'INVALIDJOB',
        `InvalidJob : The field ${name} is not an external ID field of ${object.name}`,
      );
    externalIdFieldName = field.name;
  }
  const now = stamp();
  const job: Job = {
    id,
    object: object.name,
    operation: operation as Job['operation'],
    ...(externalIdFieldName && { externalIdFieldName }),
    lineEnding,
    columnDelimiter: columnDelimiter as ColumnDelimiter,
    apiVersion: Number(version),
    createdById: userId,
    createdDate: now,
    systemModstamp: now,
    state: 'Open',
    header: [],
    rows: [],
    next: 0,
    successful: [],
    failed: [],
    processed: 0,
    totalProcessingTime: 0,
  };
  return job;
}

/** Job Info as Salesforce answers it (Get Job Info, Create, Close, Get All Jobs). */
export function jobInfo(job: Job, version: string): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.externalIdFieldName && { externalIdFieldName: job.externalIdFieldName }),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
    jobType: 'V2Ingest',
    ...(job.state === 'Open' && {
      contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
    }),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.processed,
    numberRecordsFailed: job.failed.length,
    retries: 0,
    totalProcessingTime: job.totalProcessingTime,
    apiActiveProcessingTime: job.totalProcessingTime,
    apexProcessingTime: 0,
    ...(job.errorMessage && { errorMessage: job.errorMessage }),
  };
}
