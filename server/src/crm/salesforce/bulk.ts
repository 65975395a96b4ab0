import type { Connection } from 'jsforce';
import { stringify } from 'csv-stringify/sync';
import { CrmError } from '../../errors.ts';
import type { RecordResult } from '../adapter.ts';
import { asCrmError, recordError } from '../classify.ts';
import { namespaceRecord, namespacedName, stripNamespace } from './namespace.ts';
import { SALESFORCE_QUIRKS } from './quirks.ts';

/**
 * Backfills through Bulk API 2.0: the records of one kind in one round, when there are more than
 * the threshold, go as upsert ingest jobs on Boucle's external id instead of Composite calls of
 * 1,000. Salesforce: "Any data operation that includes more than 2,000 records is a good
 * candidate for Bulk API 2.0" (limits cheat sheet). A job takes one upload of at most 150 MB of
 * base64-encoded CSV ("Upload Job Data"), so a job costs five calls however many records it holds:
 * create, upload, close, a poll or a few, the successful results (the failed and unprocessed ones
 * only when there are some). Per-record results come back as Composite's do: created or updated
 * with the record id, failed with the record's own error, unprocessed (the job stopped before
 * them) left `unsent` to wait like an outage. Replays are idempotent: an upsert on the external id
 * updates what an earlier, interrupted job already wrote.
 */

/** Records of one kind in one round above which Bulk API 2.0 is used (SALESFORCE_BULK_THRESHOLD). */
export const DEFAULT_BULK_THRESHOLD = 2_000;
/**
 * Jobs a sync round claims while the backlog is large (a backfill), so that a round holds a
 * sizeable ingest job. Capped below SQLite's 32,766 bound variables: the store settles a round's
 * jobs in single statements (`IN (…)` of every id). Filling a 150 MB job (about 400,000 answers)
 * would take rounds that large, and a store that splits its id lists (docs/benchmarks.md).
 */
export const BACKLOG_ROUND_SIZE = 30_000;
/** The upload limit, of the base64-encoded CSV, as "Upload Job Data" counts it. */
export const MAX_UPLOAD_BASE64_BYTES = 150 * 1024 * 1024;

export interface BulkOptions {
  /** More records than this (of one kind, in one round) go through Bulk API 2.0; 0: never. */
  readonly threshold: number;
  /** Largest upload, base64 counted; lower in tests to see a backfill split into jobs. */
  readonly maxUploadBytes?: number;
  /** First wait before polling a closed job, doubled after each poll up to `pollMaxMs`. */
  readonly pollInitialMs?: number;
  readonly pollMaxMs?: number;
  /** A job still running after this long is left to finish; its records are tried again later. */
  readonly pollTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BulkItem {
  readonly key: string;
  readonly record: Record<string, unknown> & { attributes: { type: string } };
}

type Row = Record<string, string>;
const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

/** A value as Bulk API 2.0 reads it: empty leaves the field alone, `#N/A` clears it. */
function csvValue(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || value === '') return '#N/A';
  return typeof value === 'string' ? value : String(value);
}

/**
 * The CSV uploads of a set of records: one header (every field any of them sets, the external id
 * first), rows cut into uploads that stay under the limit once base64 encoded.
 */
export function bulkUploads(
  items: readonly BulkItem[],
  externalIdField: string,
  maxUploadBytes = MAX_UPLOAD_BASE64_BYTES,
): { items: BulkItem[]; csv: string }[] {
  const columns = [externalIdField];
  const seen = new Set(columns);
  for (const { record } of items)
    for (const key of Object.keys(record))
      if (key !== 'attributes' && !seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
  const line = (values: string[]) => stringify([values], { record_delimiter: '\n' });
  const header = line(columns);
  const rawLimit = Math.floor((maxUploadBytes * 3) / 4);
  const uploads: { items: BulkItem[]; csv: string }[] = [];
  let current: { items: BulkItem[]; parts: string[]; bytes: number } | undefined;
  for (const item of items) {
    const row = line(columns.map((column) => csvValue(item.record[column])));
    const bytes = Buffer.byteLength(row);
    if (!current || current.bytes + bytes > rawLimit) {
      if (current) uploads.push({ items: current.items, csv: current.parts.join('') });
      current = { items: [], parts: [header], bytes: Buffer.byteLength(header) };
    }
    current.items.push(item);
    current.parts.push(row);
    current.bytes += bytes;
  }
  if (current) uploads.push({ items: current.items, csv: current.parts.join('') });
  return uploads;
}

/** `STATUS_CODE:message:fields` of a failed result, as a typed error of that record. */
export function failedRecordError(sfError: string): CrmError {
  const [code = 'UNKNOWN_EXCEPTION', ...rest] = sfError.split(':');
  const message = rest.join(':').replace(/:--$/, '') || sfError;
  return recordError(SALESFORCE_QUIRKS, code, message);
}

/** A job Salesforce would not create, for a reason that will not pass (Bulk API off, no access). */
class BulkRefused extends Error {}

/**
 * Upserts records of one object through Bulk API 2.0 ingest jobs; results by key. Undefined when
 * the org refuses the first job for good (Bulk API not enabled for it, the user not allowed):
 * the caller then writes through Composite, which needs no more than the records' own access.
 */
export async function upsertThroughBulk(
  conn: Connection,
  object: string,
  externalIdField: string,
  items: readonly BulkItem[],
  options: BulkOptions & { namespace?: string },
): Promise<Map<string, RecordResult> | undefined> {
  const namespace = options.namespace;
  const field = namespacedName(externalIdField, namespace);
  const results = new Map<string, RecordResult>();
  const uploads = bulkUploads(
    items.map((item) => ({ key: item.key, record: namespaceRecord(item.record, namespace) })),
    field,
    options.maxUploadBytes,
  );
  let outage: CrmError | undefined;
  for (const upload of uploads) {
    if (outage) {
      for (const item of upload.items)
        results.set(item.key, { ok: false, error: outage, unsent: true });
      continue;
    }
    try {
      await runJob(conn, namespacedName(object, namespace), field, upload, options, results);
    } catch (error) {
      if (error instanceof BulkRefused && results.size === 0) return undefined;
      const crmError = asCrmError(
        SALESFORCE_QUIRKS,
        error instanceof BulkRefused ? error.cause : error,
      );
      if (crmError.retryable) outage = crmError;
      for (const item of upload.items)
        if (!results.has(item.key))
          results.set(item.key, { ok: false, error: crmError, unsent: crmError.retryable });
    }
  }
  return results;
}

async function runJob(
  conn: Connection,
  object: string,
  field: string,
  upload: { items: BulkItem[]; csv: string },
  options: BulkOptions & { namespace?: string },
  results: Map<string, RecordResult>,
): Promise<void> {
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const keyOf = new Map(upload.items.map((item) => [String(item.record[field]), item.key]));
  const job = conn.bulk2.createJob({
    object,
    operation: 'upsert',
    externalIdFieldName: field,
    contentType: 'CSV',
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
  });
  try {
    await job.open();
  } catch (error) {
    if (!asCrmError(SALESFORCE_QUIRKS, error).retryable)
      throw new BulkRefused('refused', { cause: error });
    throw error;
  }
  try {
    await job.uploadData(upload.csv);
    await job.close();
  } catch (error) {
    // An open job holds nothing Salesforce will process: abort it, then the records wait.
    await job.abort().catch(() => undefined);
    throw error;
  }
  let info = job.getInfo();
  let wait = options.pollInitialMs ?? 500;
  const deadline = Date.now() + (options.pollTimeoutMs ?? 10 * 60_000);
  while (!TERMINAL.has(info.state)) {
    if (Date.now() > deadline) {
      // Still running: whatever it writes, a later upsert of the same records finds and updates.
      const error = new CrmError(
        'BULK_JOB_TIMEOUT',
        `Bulk API job ${job.id} is still ${info.state} after ${options.pollTimeoutMs ?? 600_000} ms`,
        true,
      );
      for (const item of upload.items) results.set(item.key, { ok: false, error, unsent: true });
      return;
    }
    await sleep(wait);
    wait = Math.min(wait * 2, options.pollMaxMs ?? 10_000);
    info = await job.check();
  }
  const failedCount = info.numberRecordsFailed ?? 0;
  if ((info.numberRecordsProcessed ?? 0) - failedCount > 0)
    for (const row of stripNamespace(
      (await job.getSuccessfulResults()) as unknown as Row[],
      options.namespace,
    )) {
      const key = keyOf.get(String(row[stripName(field, options.namespace)]));
      if (key !== undefined && row.sf__Id) results.set(key, { ok: true, crmId: row.sf__Id });
    }
  if (failedCount > 0)
    for (const row of stripNamespace(
      (await job.getFailedResults()) as unknown as Row[],
      options.namespace,
    )) {
      const key = keyOf.get(String(row[stripName(field, options.namespace)]));
      if (key !== undefined)
        results.set(key, { ok: false, error: failedRecordError(String(row.sf__Error ?? '')) });
    }
  if (info.state === 'JobComplete') {
    for (const item of upload.items)
      if (!results.has(item.key))
        results.set(item.key, {
          ok: false,
          error: new CrmError('BULK_NO_RESULT', `no result for the record in job ${job.id}`, true),
          unsent: true,
        });
    return;
  }
  // A failed or aborted job: its unprocessed records were never tried. A quota or an abort waits
  // like a limit, without spending an attempt; a job refused for its data (a column the org lacks,
  // unreadable CSV) fails its records for good; any other failure retries them with backoff.
  const message = info.errorMessage ?? `Bulk API job ${job.id} is ${info.state}`;
  const code = /^(\w+)\s*:/.exec(message)?.[1] ?? 'BULK_JOB_FAILED';
  const waits = code === 'ExceededQuota' || info.state === 'Aborted';
  const refused = code === 'InvalidBatch' || code === 'ClientInputError';
  const error = new CrmError(code, message, !refused);
  for (const item of upload.items)
    if (!results.has(item.key))
      results.set(item.key, waits ? { ok: false, error, unsent: true } : { ok: false, error });
}

/**
 * The object and external id of a Composite upsert (`/composite/sobjects/{object}/{field}`) big
 * enough for Bulk API 2.0, or undefined: the adapter then writes through Composite as before.
 */
export function bulkUpsertOf(
  path: string,
  records: readonly { path?: string }[],
  threshold: number,
): { object: string; field: string } | undefined {
  const upsert = /^\/composite\/sobjects\/(\w+)\/(\w+)$/.exec(path);
  if (!upsert || threshold <= 0 || records.length <= threshold) return undefined;
  if (records.some((record) => record.path !== undefined && record.path !== path)) return undefined;
  return { object: upsert[1] as string, field: upsert[2] as string };
}

const stripName = (name: string, namespace?: string) =>
  namespace && name.startsWith(`${namespace}__`) ? name.slice(namespace.length + 2) : name;
