import { describe, expect, it } from 'vitest';
import { admin, fixture } from './helpers.ts';
import { VERSION, connect, seed, url, useSalesforceEmulator } from './salesforceHarness.ts';

useSalesforceEmulator();

describe('sObject Collections', () => {
  it('creates per record, in order, as the partial-failure fixture shows', async () => {
    const conn = await connect();
    await seed({ Account: [{ Name: 'Acme' }], Contact: [{ LastName: 'Martin' }] });
    const request = fixture<{ allOrNone: boolean; records: Record<string, unknown>[] }>(
      'salesforce/sobject-collections-create.request.json',
    );
    const state = (await admin(url, 'state')) as { objects: Record<string, { Id: string }[]> };
    request.records[0] = {
      ...request.records[0],
      Account__c: state.objects.Account?.[0]?.Id,
      Contact__c: state.objects.Contact?.[0]?.Id,
    };
    const results = await conn.requestPost(
      `/services/data/v${VERSION}/composite/sobjects`,
      request,
    );
    const expected = fixture<unknown[]>(
      'salesforce/sobject-collections-create.response.partial.json',
    );
    expect(results).toEqual([
      { ...(expected[0] as object), id: expect.stringMatching(/^a0/) },
      expected[1],
    ]);
  });

  it('rolls everything back with allOrNone, as the rollback fixture shows', async () => {
    const conn = await connect();
    const request = fixture<{ records: Record<string, unknown>[] }>(
      'salesforce/sobject-collections-create.request.json',
    );
    const records = request.records.map(({ Account__c: _a, Contact__c: _c, ...rest }) => rest);
    const results = await conn.requestPost(`/services/data/v${VERSION}/composite/sobjects`, {
      allOrNone: true,
      records,
    });
    expect(results).toEqual(
      fixture('salesforce/sobject-collections-create.response.allOrNone-rollback.json'),
    );
    expect((await conn.query('SELECT COUNT() FROM Survey_Response__c')).totalSize).toBe(0);
  });

  it('upserts through jsforce with created flags, as the upsert fixture shows', async () => {
    const conn = await connect();
    const request = fixture<{ records: Record<string, unknown>[] }>(
      'salesforce/sobject-collections-upsert.request.json',
    );
    const records = request.records.map(({ attributes: _a, ...rest }) => rest);
    const first = await conn
      .sobject('Survey_Response__c')
      .upsert(records as never, 'External_Id__c');
    expect(first).toEqual([
      { id: expect.stringMatching(/^a0/), success: true, errors: [], created: true },
    ]);
    const again = await conn
      .sobject('Survey_Response__c')
      .upsert(records as never, 'External_Id__c');
    const expected = fixture<Record<string, unknown>[]>(
      'salesforce/sobject-collections-upsert.response.json',
    );
    expect(again).toEqual([{ ...expected[0], id: (first as { id: string }[])[0]?.id }]);
  });

  it('updates and deletes by id lists, failing only the bad records', async () => {
    const conn = await connect();
    const created = (await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }])) as {
      id: string;
    }[];
    const updated = await conn.sobject('Account').update([
      { Id: created[0]?.id as string, Name: 'A2' },
      { Id: '001000000000099AAA', Name: 'x' },
    ]);
    expect(updated.map((r) => r.success)).toEqual([true, false]);
    const deleted = await conn
      .sobject('Account')
      .destroy([created[0]?.id as string, created[1]?.id as string]);
    expect(deleted.map((r) => r.success)).toEqual([true, true]);
  });

  it('refuses 201 records in one call', async () => {
    const conn = await connect();
    const records = Array.from({ length: 201 }, (_, i) => ({ Name: `A${i}` }));
    await expect(conn.sobject('Account').create(records)).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });
    expect(await conn.sobject('Account').create(records.slice(0, 200))).toHaveLength(200);
  });

  it('fails single records with UNABLE_TO_LOCK_ROW when the fault is injected', async () => {
    const conn = await connect();
    await admin(url, 'faults', {
      rules: [{ match: 'composite/sobjects', recordErrorCode: 'UNABLE_TO_LOCK_ROW', rate: 0.5 }],
      seed: 7,
    });
    const results = await conn
      .sobject('Account')
      .create(Array.from({ length: 20 }, (_, i) => ({ Name: `A${i}` })));
    const failures = results.filter((r) => !r.success);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThan(20);
    expect(failures[0]).toMatchObject({
      errors: [
        {
          statusCode: 'UNABLE_TO_LOCK_ROW',
          message: expect.stringContaining('unable to obtain exclusive access'),
        },
      ],
    });
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(20 - failures.length);
  });
});

describe('Composite', () => {
  it('runs the fixture request: responses upserted, then tasks that reference them', async () => {
    const conn = await connect();
    await seed({
      Contact: [{ Id: '003XX0000012345AAA', LastName: 'Martin' }],
      User: [
        {
          Id: '005XX000001SwiUAAS',
          Username: 'owner@vendor.example',
          LastName: 'Owner',
          Email: 'owner@vendor.example',
        },
      ],
    });
    const response = (await conn.requestPost(
      `/services/data/v${VERSION}/composite`,
      fixture('salesforce/composite.request.json'),
    )) as { compositeResponse: Record<string, unknown>[] };
    const expected = fixture<{ compositeResponse: Record<string, unknown>[] }>(
      'salesforce/composite.response.json',
    );
    expect(response.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual(
      expected.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode]),
    );
    expect(response.compositeResponse[0]?.body).toEqual([
      { id: expect.stringMatching(/^a0/), success: true, errors: [], created: true },
    ]);
    const task = await conn.query<Record<string, unknown>>(
      'SELECT WhatId, WhoId, TaskSubtype, Status FROM Task',
    );
    expect(task.records[0]).toMatchObject({
      WhatId: (response.compositeResponse[0]?.body as { id: string }[])[0]?.id,
      WhoId: '003XX0000012345YAA',
      TaskSubtype: 'Call',
    });
    // Composite counts once, like the query that follows; OAuth and the admin API are not counted.
    expect((await admin(url, 'calls')).total).toBe(2);
  });

  it('counts as one API call and resolves @{ref.field} in urls and bodies', async () => {
    const conn = await connect();
    const response = (await conn.requestPost(`/services/data/v${VERSION}/composite`, {
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Account`,
          referenceId: 'acct',
          body: { Name: 'Acme' },
        },
        {
          method: 'GET',
          url: `/services/data/v${VERSION}/sobjects/Account/@{acct.id}?fields=Name`,
          referenceId: 'read',
        },
        {
          method: 'GET',
          url: `/services/data/v${VERSION}/query?q=SELECT+Id+FROM+Account`,
          referenceId: 'q',
        },
      ],
    })) as { compositeResponse: { httpStatusCode: number; body: Record<string, unknown> }[] };
    expect(response.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 200, 200]);
    expect(response.compositeResponse[1]?.body).toMatchObject({ Name: 'Acme' });
    expect(conn.limitInfo?.apiUsage?.used).toBe(1);
  });

  it('rolls back and halts with allOrNone when a subrequest fails', async () => {
    const conn = await connect();
    const response = (await conn.requestPost(`/services/data/v${VERSION}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Account`,
          referenceId: 'ok',
          body: { Name: 'Acme' },
        },
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Contact`,
          referenceId: 'bad',
          body: { FirstName: 'No last name' },
        },
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Account`,
          referenceId: 'after',
          body: { Name: 'Later' },
        },
      ],
    })) as { compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[] };
    expect(response.compositeResponse.map((r) => [r.httpStatusCode, r.body[0]?.errorCode])).toEqual(
      [
        [400, 'PROCESSING_HALTED'],
        [400, 'REQUIRED_FIELD_MISSING'],
        [400, 'PROCESSING_HALTED'],
      ],
    );
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(0);
  });

  it('halts a subrequest whose reference has no value', async () => {
    const conn = await connect();
    const response = (await conn.requestPost(`/services/data/v${VERSION}/composite`, {
      compositeRequest: [
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Contact`,
          referenceId: 'bad',
          body: {},
        },
        {
          method: 'POST',
          url: `/services/data/v${VERSION}/sobjects/Task`,
          referenceId: 'task',
          body: { WhoId: '@{bad.id}' },
        },
      ],
    })) as {
      compositeResponse: {
        httpStatusCode: number;
        body: { errorCode: string; message: string }[];
      }[];
    };
    expect(response.compositeResponse[1]?.body[0]).toMatchObject({
      errorCode: 'PROCESSING_HALTED',
      message: expect.stringContaining('bad.id'),
    });
  });

  it.each([
    [
      '26 subrequests',
      Array.from({ length: 26 }, (_, i) => ({
        method: 'GET',
        url: `/services/data/v${VERSION}/limits`,
        referenceId: `r${i}`,
      })),
      'Maximum number of subrequests exceeded: 26',
    ],
    [
      '6 collections or queries',
      Array.from({ length: 6 }, (_, i) => ({
        method: 'GET',
        url: `/services/data/v${VERSION}/query?q=SELECT+Id+FROM+Account`,
        referenceId: `q${i}`,
      })),
      'at most 5 sObject Collections or query subrequests',
    ],
  ])('refuses %s', async (_label, compositeRequest, message) => {
    const conn = await connect();
    await expect(
      conn.requestPost(`/services/data/v${VERSION}/composite`, { compositeRequest }),
    ).rejects.toMatchObject({
      errorCode: 'LIMIT_EXCEEDED',
      message: expect.stringContaining(message),
    });
  });
});
