import express, { type RequestHandler } from 'express';
import type { FaultRule } from '../common.ts';
import { makeId } from './ids.ts';
import { RequestError, apiError, type SalesforceOrg, type SaveResult } from './org.ts';
import type { FieldDef } from './schema.ts';
import { jobInfo, newJob, stamp, type Job } from './bulkJob.ts';
import { headerFields, parseUpload, resultCsv, rowRecord } from './bulkCsv.ts';

/**
 * Bulk API 2.0 ingest jobs, over the org's own records and checks (the records Composite and SOQL
 * see): create a job, upload its CSV once, close it, poll it, read the successful, failed and
 * unprocessed records, delete it. Reference: "Bulk API 2.0 Ingest" and its resources
 * (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm),
 * limits from "Bulk API and Bulk API 2.0 Limits and Allocations". What the documentation does not
 * say (error codes and statuses of refusals) is listed in docs/emulators.md.
 */

/** "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded content." */
export const MAX_UPLOAD_BASE64_BYTES = 150 * 1024 * 1024;
/** "Salesforce creates a separate batch for every 10,000 records in your job data." */
export const RECORDS_PER_BATCH = 10_000;
/** Records uploaded per rolling 24 hours, and batches (shared with Bulk API 1.0). */
const DAILY_RECORDS = 150_000_000;
const DAILY_BATCHES = 15_000;
/** Get All Jobs "returns up to 1000 result rows per request". */
const JOBS_PAGE = 1000;
const DAY_MS = 86_400_000;
const JOB_KEY_PREFIX = '750';

export interface BulkIngestOptions {
  /** Largest upload, counted as base64 as Salesforce counts it; default 150 MB. */
  readonly maxUploadBytes?: number;
  /** Records processed per rolling 24 h; default 150,000,000. */
  readonly dailyRecordLimit?: number;
  /** Internal batches of 10,000 records per rolling 24 h; default 15,000. */
  readonly dailyBatchLimit?: number;
}

/** A REST reply; `csv` is sent as `text/csv`. */
export interface BulkReply {
  status: number;
  body?: unknown;
  csv?: string;
}

/** Reads `text/csv` bodies of uploads as text (the rest of the REST API is JSON). */
export function bulkUploadParser(options: BulkIngestOptions = {}): RequestHandler[] {
  return [
    express.text({ type: 'text/csv', limit: options.maxUploadBytes ?? MAX_UPLOAD_BASE64_BYTES }),
    (req, _res, next) => {
      if (req.body === undefined && req.is('text/csv')) req.body = '';
      next();
    },
  ];
}

export class BulkIngest {
  private jobs = new Map<string, Job>();
  private counter = 0;
  /** What the rolling 24-hour allocations have spent: when, records and batches. */
  private spent: { at: number; records: number; batches: number }[] = [];

  constructor(
    private readonly org: SalesforceOrg,
    private readonly options: BulkIngestOptions = {},
    /** Called when processing changed records (the emulator saves its state file). */
    private readonly changed: () => void = () => undefined,
  ) {}

  reset(): void {
    this.jobs.clear();
    this.spent = [];
  }

  /** `jobs/ingest[/{id}[/batches|successfulResults|failedResults|unprocessedrecords]]`. */
  route(
    method: string,
    segments: readonly string[],
    version: string,
    query: Record<string, string>,
    body: unknown,
    userId: string,
    fault?: FaultRule,
  ): BulkReply {
    const [id, resource, extra] = segments;
    if (extra !== undefined) throw notFound();
    if (!id) {
      if (method === 'POST') return this.create(body, version, userId);
      if (method === 'GET') return this.list(query, version);
      throw notAllowed(method, 'GET,POST');
    }
    const job = this.jobs.get(id);
    if (!job) throw notFound();
    if (!resource) {
      if (method === 'GET') return { status: 200, body: jobInfo(job, version) };
      if (method === 'PATCH') return this.changeState(job, body, version, fault);
      if (method === 'DELETE') return this.remove(job);
      throw notAllowed(method, 'GET,PATCH,DELETE');
    }
    if (resource === 'batches') {
      if (method !== 'PUT') throw notAllowed(method, 'PUT');
      return this.upload(job, body);
    }
    const results = ['successfulResults', 'failedResults', 'unprocessedrecords'];
    if (!results.includes(resource)) throw notFound();
    if (method !== 'GET') throw notAllowed(method, 'GET');
    return this.results(job, resource);
  }

  private create(body: unknown, version: string, userId: string): BulkReply {
    const job = newJob(this.org, makeId(JOB_KEY_PREFIX, ++this.counter), body, version, userId);
    this.jobs.set(job.id, job);
    return { status: 200, body: jobInfo(job, version) };
  }

  private upload(job: Job, body: unknown): BulkReply {
    if (typeof body !== 'string')
      throw apiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Job data must be sent as text/csv (Content-Type: text/csv)',
      );
    if (job.state !== 'Open')
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} is ${job.state}: job data can only be uploaded to an Open job`,
      );
    if (job.data !== undefined)
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
      );
    const limit = this.options.maxUploadBytes ?? MAX_UPLOAD_BASE64_BYTES;
    const base64 = 4 * Math.ceil(Buffer.byteLength(body, 'utf8') / 3);
    if (base64 > limit)
      throw apiError(
        413,
        'REQUEST_TOO_LARGE',
        `Job data exceeds the upload limit: ${base64} bytes once base64 encoded, at most ${limit}`,
      );
    if (body.length === 0) throw apiError(400, 'CLIENTINPUTERROR', 'The job data is empty');
    job.data = body;
    job.systemModstamp = stamp();
    return { status: 201 };
  }

  private changeState(
    job: Job,
    body: unknown,
    version: string,
    fault: FaultRule | undefined,
  ): BulkReply {
    const state = (body as { state?: unknown } | undefined)?.state;
    const refuse = (why: string) => apiError(400, 'INVALIDJOBSTATE', why);
    if (state === 'UploadComplete') {
      if (job.state !== 'Open') throw refuse(`Closing a job in state ${job.state} is not allowed`);
      job.state = 'UploadComplete';
      job.systemModstamp = stamp();
      if (fault?.recordErrorCode) job.fault = fault;
      setImmediate(() => this.start(job));
    } else if (state === 'Aborted') {
      if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state))
        throw refuse(`Aborting a job in state ${job.state} is not allowed`);
      job.state = 'Aborted';
      job.systemModstamp = stamp();
    } else {
      throw refuse(
        `InvalidJobState : state: a job can only be set to UploadComplete or Aborted, not ${String(state)}`,
      );
    }
    return { status: 200, body: jobInfo(job, version) };
  }

  private remove(job: Job): BulkReply {
    if (job.state === 'Open' || job.state === 'InProgress')
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Deleting a job in state ${job.state} is not allowed: abort it first`,
      );
    this.jobs.delete(job.id);
    return { status: 204 };
  }

  private list(query: Record<string, string>, version: string): BulkReply {
    const all = [...this.jobs.values()].filter(
      () => !query.jobType || query.jobType === 'V2Ingest',
    );
    const from = query.queryLocator ? Number(query.queryLocator) : 0;
    if (!Number.isInteger(from) || from < 0)
      throw apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const page = all.slice(from, from + JOBS_PAGE);
    const done = from + JOBS_PAGE >= all.length;
    return {
      status: 200,
      body: {
        done,
        records: page.map((job) => jobInfo(job, version)),
        nextRecordsUrl: done
          ? null
          : `/services/data/v${version}/jobs/ingest?queryLocator=${from + JOBS_PAGE}`,
      },
    };
  }

  private results(job: Job, resource: string): BulkReply {
    if (['Open', 'UploadComplete', 'InProgress'].includes(job.state))
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} is ${job.state}: its results are ready once it is JobComplete, Failed or Aborted`,
      );
    const header = job.header;
    if (resource === 'successfulResults')
      return {
        status: 200,
        csv: resultCsv(['sf__Id', 'sf__Created', ...header], job.successful, job.columnDelimiter),
      };
    if (resource === 'failedResults')
      return {
        status: 200,
        csv: resultCsv(['sf__Id', 'sf__Error', ...header], job.failed, job.columnDelimiter),
      };
    // Unprocessed rows: those a failed or aborted job never reached (all of them if it never ran).
    if (job.header.length === 0 && job.data !== undefined) {
      const parsed = parseUpload(job.data, job.columnDelimiter, job.lineEnding);
      return 'error' in parsed
        ? { status: 200, csv: job.data }
        : { status: 200, csv: resultCsv(parsed.header, parsed.rows, job.columnDelimiter) };
    }
    return { status: 200, csv: resultCsv(header, job.rows.slice(job.next), job.columnDelimiter) };
  }

  /** Reads the upload and processes it a batch of 10,000 records per turn of the event loop. */
  private start(job: Job): void {
    if (job.state !== 'UploadComplete' || !this.jobs.has(job.id)) return;
    job.state = 'InProgress';
    job.startedAt = Date.now();
    job.systemModstamp = stamp();
    if (job.data === undefined) return this.fail(job, 'InvalidBatch : No job data was uploaded');
    const parsed = parseUpload(job.data, job.columnDelimiter, job.lineEnding);
    if ('error' in parsed) return this.fail(job, parsed.error);
    const checked = headerFields(this.org.object(job.object), parsed.header);
    job.header = parsed.header;
    job.rows = parsed.rows;
    if ('error' in checked) return this.fail(job, checked.error);
    const key = job.externalIdFieldName ?? (job.operation === 'update' ? 'Id' : undefined);
    if (key && !checked.fields.some((f) => f.name === key))
      return this.fail(job, `InvalidBatch : Field name not found : ${key}`);
    const step = () => {
      if (job.state !== 'InProgress' || !this.jobs.has(job.id)) return;
      const limit = this.allowance();
      if (limit.batches < 1 || limit.records < 1)
        return this.fail(
          job,
          'ExceededQuota : the rolling 24-hour allocation of Bulk API records or batches is spent',
        );
      const from = job.next;
      const end = Math.min(from + RECORDS_PER_BATCH, job.rows.length, from + limit.records);
      this.org.runAs(job.createdById, () => {
        for (; job.next < end; job.next++) this.processRow(job, checked.fields, job.next);
      });
      this.spent.push({ at: Date.now(), records: end - from, batches: 1 });
      this.changed();
      job.totalProcessingTime = Date.now() - (job.startedAt ?? Date.now());
      job.systemModstamp = stamp();
      if (job.next < job.rows.length) setImmediate(step);
      else job.state = 'JobComplete';
    };
    step();
  }

  private processRow(job: Job, fields: readonly FieldDef[], index: number): void {
    const row = job.rows[index] as string[];
    job.processed++;
    // sf__Error reads "STATUS_CODE:message:fields" ("--" without a field), as in real failed results.
    const failWith = (code: string, message: string, fieldNames: readonly string[] = []): void => {
      job.failed.push(['', `${code}:${message}:${fieldNames.join(',') || '--'}`, ...row]);
    };
    if (row.length !== job.header.length)
      return failWith(
        'INVALID_FIELD',
        `the row has ${row.length} values for ${job.header.length} columns`,
      );
    const fault = job.fault;
    if (fault?.recordErrorCode && (!fault.recordMatch || row.join(',').includes(fault.recordMatch)))
      return failWith(
        fault.recordErrorCode,
        fault.message ?? `Injected fault ${fault.recordErrorCode}`,
      );
    const record = rowRecord(fields, row);
    let result: SaveResult;
    try {
      result = this.write(job, record);
    } catch (error) {
      // Refusals that fail a whole REST request (field-level security, a bad id) fail the row.
      if (!(error instanceof RequestError)) throw error;
      const first = (Array.isArray(error.body) ? error.body[0] : {}) as {
        errorCode?: string;
        message?: string;
        fields?: string[];
      };
      return failWith(first.errorCode ?? 'UNKNOWN_EXCEPTION', first.message ?? '', first.fields);
    }
    if (result.success)
      job.successful.push([
        result.id,
        String(result.created ?? job.operation === 'insert'),
        ...row,
      ]);
    else {
      const error = result.errors[0];
      failWith(error?.statusCode ?? 'UNKNOWN_EXCEPTION', error?.message ?? '', error?.fields);
    }
  }

  private write(job: Job, record: Record<string, unknown>): SaveResult {
    if (job.operation === 'insert') return this.org.create(job.object, record);
    if (job.operation === 'update') {
      const { Id, ...fields } = record;
      return this.org.update(job.object, Id, fields);
    }
    const field = job.externalIdFieldName as string;
    const { result } = this.org.upsert(job.object, field, record[field], record);
    if (Array.isArray(result))
      return {
        success: false,
        errors: [
          {
            statusCode: 'DUPLICATE_EXTERNAL_ID',
            message: `Duplicate external id specified: ${String(record[field])}`,
            fields: [field],
          },
        ],
      };
    return result;
  }

  private fail(job: Job, message: string): void {
    job.state = 'Failed';
    job.errorMessage = message;
    job.systemModstamp = stamp();
  }

  /** What is left of the rolling 24-hour allocations. */
  private allowance(): { records: number; batches: number } {
    const since = Date.now() - DAY_MS;
    this.spent = this.spent.filter((entry) => entry.at > since);
    const records = this.spent.reduce((sum, entry) => sum + entry.records, 0);
    return {
      records: (this.options.dailyRecordLimit ?? DAILY_RECORDS) - records,
      batches: (this.options.dailyBatchLimit ?? DAILY_BATCHES) - this.spent.length,
    };
  }
}

const notFound = () => apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
const notAllowed = (method: string, allowed: string) =>
  apiError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
  );
