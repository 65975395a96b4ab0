import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';

/**
 * Bulk API 2.0 ingest jobs (Salesforce "Bulk API 2.0 Ingest": create, upload once, close, poll,
 * successful / failed / unprocessed results, delete, list), driven by jsforce's own Bulk 2.0 client
 * (`conn.bulk2`) and, for the refusals, by raw HTTP as any client sends them.
 */

const VERSION = '62.0';
const UPLOAD_LIMIT = 64 * 1024;
let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;

async function connect(): Promise<Connection> {
  const conn = new jsforce.Connection({
    oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: url },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  conn.bulk2.pollInterval = 20;
  conn.bulk2.pollTimeout = 20_000;
  return conn;
}

/** A raw REST call under `/services/data/v62.0/jobs/ingest`. */
async function ingest(
  conn: Connection,
  method: string,
  path = '',
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; text: string; json: () => unknown }> {
  const response = await fetch(`${url}/services/data/v${VERSION}/jobs/ingest${path}`, {
    method,
    headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': contentType },
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

async function openJob(conn: Connection, request: Record<string, unknown> = {}): Promise<string> {
  const created = await ingest(
    conn,
    'POST',
    '',
    JSON.stringify({ object: 'Account', operation: 'insert', ...request }),
  );
  expect(created.status).toBe(200);
  return (created.json() as { id: string }).id;
}

/** Polls Get Job Info until the job leaves Open/UploadComplete/InProgress. */
async function settled(conn: Connection, id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const info = (await ingest(conn, 'GET', `/${id}`)).json() as Record<string, unknown>;
    if (!['Open', 'UploadComplete', 'InProgress'].includes(String(info.state))) return info;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  emulator = new SalesforceEmulator({ bulk: { maxUploadBytes: UPLOAD_LIMIT } });
  ({ url, close } = await emulator.listen());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

describe('jsforce bulk2', () => {
  it('inserts records that SOQL then finds, with their ids in the successful results', async () => {
    const conn = await connect();
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: [
        { Name: 'Acme', Website: 'acme.example' },
        { Name: 'Globex', Website: 'globex.example' },
      ],
    });
    expect(results.failedResults).toEqual([]);
    expect(results.successfulResults).toHaveLength(2);
    const acme = results.successfulResults.find(
      (r) => (r as Record<string, unknown>).Name === 'Acme',
    );
    expect(acme).toMatchObject({ sf__Created: 'true', Website: 'acme.example' });
    const found = await conn.query<{ Id: string }>("SELECT Id FROM Account WHERE Name = 'Acme'");
    expect(found.records[0]?.Id).toBe(acme?.sf__Id);
  });

  it('upserts on an external id: a second load updates the same records', async () => {
    const conn = await connect();
    const load = (score: number) =>
      conn.bulk2.loadAndWaitForResults({
        object: 'Survey_Response__c',
        operation: 'upsert',
        externalIdFieldName: 'External_Id__c',
        input: [
          { External_Id__c: 'api:ans-1', Score__c: score, Metric__c: 'NPS' },
          { External_Id__c: 'api:ans-2', Score__c: score, Metric__c: 'NPS' },
        ],
      });
    const first = await load(3);
    expect(first.successfulResults.map((r) => r.sf__Created)).toEqual(['true', 'true']);
    const second = await load(9);
    expect(second.successfulResults.map((r) => r.sf__Created)).toEqual(['false', 'false']);
    expect(second.successfulResults.map((r) => r.sf__Id).sort()).toEqual(
      first.successfulResults.map((r) => r.sf__Id).sort(),
    );
    const rows = emulator.org.rows('Survey_Response__c');
    expect(rows.map((r) => r.Score__c)).toEqual([9, 9]);
  });

  it('fails a bad row alone, with its error in the failed results', async () => {
    const conn = await connect();
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Survey_Response__c',
      operation: 'insert',
      input: [
        { External_Id__c: 'api:1', Score__c: '9' },
        { External_Id__c: 'api:2', Score__c: 'many' },
        { External_Id__c: 'api:3', Score__c: '7' },
      ],
    });
    expect(
      results.successfulResults.map((r) => (r as Record<string, unknown>).External_Id__c).sort(),
    ).toEqual(['api:1', 'api:3']);
    expect(results.failedResults).toHaveLength(1);
    expect(results.failedResults[0]).toMatchObject({ sf__Id: '', External_Id__c: 'api:2' });
    expect(results.failedResults[0]?.sf__Error).toMatch(
      /^INVALID_TYPE_ON_FIELD_IN_RECORD:.*:Score__c$/,
    );
    expect(emulator.org.rows('Survey_Response__c').map((r) => r.Score__c)).toEqual([9, 7]);
  });

  it('goes Open → UploadComplete → JobComplete and counts processed and failed records', async () => {
    const conn = await connect();
    const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
    expect((await job.open()).state).toBe('Open');
    await job.uploadData('Name\nAcme\n#N/A\n');
    await job.close();
    expect(job.getInfo().state).toBe('UploadComplete');
    await job.poll(20, 20_000);
    expect(job.getInfo()).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 2,
      numberRecordsFailed: 1,
      jobType: 'V2Ingest',
    });
    const failed = await job.getFailedResults();
    expect(failed[0]?.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:/);
  });
});

describe('refusals', () => {
  it('fails a job whose header names a field the object lacks', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    expect(
      (await ingest(conn, 'PUT', `/${id}/batches`, 'Name,Nope__c\nAcme,1\n', 'text/csv')).status,
    ).toBe(201);
    await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'UploadComplete' }));
    const info = await settled(conn, id);
    expect(info).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Field name not found : Nope__c',
      numberRecordsProcessed: 0,
    });
    const unprocessed = await ingest(conn, 'GET', `/${id}/unprocessedrecords/`);
    expect(unprocessed.text).toBe('"Name","Nope__c"\n"Acme","1"\n');
    expect(emulator.org.rows('Account')).toEqual([]);
  });

  it('fails a job whose header has a blank or repeated column', async () => {
    const conn = await connect();
    for (const [csv, message] of [
      ['Name,,Website\nAcme,x,y\n', 'InvalidBatch : Field name not provided in the header row'],
      ['Name,name\nAcme,Acme\n', 'InvalidBatch : Duplicate field name : name'],
    ] as const) {
      const id = await openJob(conn);
      await ingest(conn, 'PUT', `/${id}/batches`, csv, 'text/csv');
      await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'UploadComplete' }));
      expect(await settled(conn, id)).toMatchObject({ state: 'Failed', errorMessage: message });
    }
  });

  it('fails a job whose line endings are not the ones it declared', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    await ingest(conn, 'PUT', `/${id}/batches`, 'Name\r\nAcme\r\n', 'text/csv');
    await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'UploadComplete' }));
    expect((await settled(conn, id)).errorMessage).toBe(
      'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF',
    );
  });

  it('refuses job data that is not text/csv with 415', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    const response = await ingest(conn, 'PUT', `/${id}/batches`, '{"Name":"Acme"}');
    expect(response.status).toBe(415);
    expect(response.json()).toEqual([
      expect.objectContaining({ errorCode: 'UNSUPPORTED_MEDIA_TYPE' }),
    ]);
  });

  it('refuses an upload over the limit counted as base64', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    // 50 KB of CSV is 68 KB once base64 encoded: over a 64 KB limit.
    const csv = `Name\n${'A'.repeat(50 * 1024)}\n`;
    const response = await ingest(conn, 'PUT', `/${id}/batches`, csv, 'text/csv');
    expect(response.status).toBe(413);
    expect(response.json()).toEqual([expect.objectContaining({ errorCode: 'REQUEST_TOO_LARGE' })]);
  });

  it('takes one upload per job', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    await ingest(conn, 'PUT', `/${id}/batches`, 'Name\nAcme\n', 'text/csv');
    const again = await ingest(conn, 'PUT', `/${id}/batches`, 'Name\nGlobex\n', 'text/csv');
    expect(again.status).toBe(400);
    expect(again.text).toContain('Found multiple contents for job');
  });

  it.each([
    ['closes a closed job', 'UploadComplete', 'UploadComplete'],
    ['sets a state that is not UploadComplete or Aborted', 'JobComplete', undefined],
    ['aborts a completed job', 'Aborted', 'complete'],
  ])('refuses a request that %s with 400 INVALIDJOBSTATE', async (_what, state, before) => {
    const conn = await connect();
    const id = await openJob(conn);
    await ingest(conn, 'PUT', `/${id}/batches`, 'Name\nAcme\n', 'text/csv');
    if (before) {
      await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'UploadComplete' }));
      if (before === 'complete') expect((await settled(conn, id)).state).toBe('JobComplete');
    }
    const response = await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state }));
    expect(response.status).toBe(400);
    expect(response.json()).toEqual([expect.objectContaining({ errorCode: 'INVALIDJOBSTATE' })]);
  });

  it('uploads nothing to a job once it is closed', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'Aborted' }));
    const response = await ingest(conn, 'PUT', `/${id}/batches`, 'Name\nAcme\n', 'text/csv');
    expect(response.status).toBe(400);
    expect(response.json()).toEqual([expect.objectContaining({ errorCode: 'INVALIDJOBSTATE' })]);
  });

  it('deletes a finished job but not an open one', async () => {
    const conn = await connect();
    const id = await openJob(conn);
    expect((await ingest(conn, 'DELETE', `/${id}`)).status).toBe(400);
    await ingest(conn, 'PATCH', `/${id}`, JSON.stringify({ state: 'Aborted' }));
    expect((await ingest(conn, 'DELETE', `/${id}`)).status).toBe(204);
    expect((await ingest(conn, 'GET', `/${id}`)).status).toBe(404);
  });

  it('refuses an upsert job without an external id field, or on a field that is not one', async () => {
    const conn = await connect();
    for (const request of [
      { object: 'Survey_Response__c', operation: 'upsert' },
      { object: 'Survey_Response__c', operation: 'upsert', externalIdFieldName: 'Comment__c' },
      { object: 'Nope__c', operation: 'insert' },
      { object: 'Account', operation: 'insert', lineEnding: 'CR' },
    ]) {
      const response = await ingest(conn, 'POST', '', JSON.stringify(request));
      expect(response.status).toBe(400);
      expect(response.json()).toEqual([expect.objectContaining({ errorCode: 'INVALIDJOB' })]);
    }
  });

  it('fails the rest of a job once the daily record allocation is spent', async () => {
    const limited = new SalesforceEmulator({ bulk: { dailyRecordLimit: 10_000 } });
    const server = await limited.listen();
    try {
      const conn = new jsforce.Connection({
        oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: server.url },
        version: VERSION,
      });
      await conn.authorize({ grant_type: 'client_credentials' });
      const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
      await job.open();
      await job.uploadData(Array.from({ length: 10_002 }, (_, i) => ({ Name: `A${i}` })));
      await job.close();
      await expect(job.poll(20, 20_000)).rejects.toThrow(/ExceededQuota/);
      expect(job.getInfo().numberRecordsProcessed).toBe(10_000);
      const unprocessed = await job.getUnprocessedRecords();
      expect(unprocessed).toEqual([{ Name: 'A10000' }, { Name: 'A10001' }]);
    } finally {
      await server.close();
    }
  });
});

describe('Get All Jobs', () => {
  it('lists the jobs of the org with their state', async () => {
    const conn = await connect();
    const first = await openJob(conn);
    const second = await openJob(conn);
    await ingest(conn, 'PATCH', `/${second}`, JSON.stringify({ state: 'Aborted' }));
    const list = (await ingest(conn, 'GET', '?jobType=V2Ingest')).json() as {
      done: boolean;
      records: { id: string; state: string }[];
    };
    expect(list.done).toBe(true);
    expect(list.records.map((r) => [r.id, r.state])).toEqual([
      [first, 'Open'],
      [second, 'Aborted'],
    ]);
  });

  it('counts each Bulk API request as an API call', async () => {
    const conn = await connect();
    emulator.calls.reset();
    await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: [{ Name: 'Acme' }],
    });
    const calls = emulator.calls.toJSON().byEndpoint;
    expect(calls['POST /services/data/vXX.X/jobs/ingest']).toBe(1);
    expect(calls['PUT /services/data/vXX.X/jobs/ingest/{id}/batches']).toBe(1);
    expect(calls['PATCH /services/data/vXX.X/jobs/ingest/{id}']).toBe(1);
    expect(calls['GET /services/data/vXX.X/jobs/ingest/{id}/successfulResults']).toBe(1);
  });
});
