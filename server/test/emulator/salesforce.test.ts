import jsforce from 'jsforce';
import { describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin, fixture } from './helpers.ts';
import { VERSION, connect, url, useSalesforceEmulator } from './salesforceHarness.ts';

useSalesforceEmulator();

describe('REST resources', () => {
  it('lists versions without a limit header, and answers limits and describes', async () => {
    const versions = await fetch(`${url}/services/data`);
    expect(versions.headers.get('sforce-limit-info')).toBeNull();
    expect(await versions.json()).toContainEqual(expect.objectContaining({ version: VERSION }));
    const conn = await connect();
    expect((await conn.limits()).DailyApiRequests).toEqual({ Max: 1_000_000, Remaining: 999_999 });
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((o) => o.name)).toEqual(
      expect.arrayContaining([
        'Account',
        'Contact',
        'User',
        'Task',
        'Group',
        'Survey_Response__c',
        'Response_Rating__c',
        'Callback__c',
        'Alert_Threshold__mdt',
      ]),
    );
    const callback = await conn.sobject('Callback__c').describe();
    expect(callback.fields.find((f) => f.name === 'External_Id__c')).toMatchObject({
      type: 'string',
      externalId: true,
      unique: true,
      length: 255,
    });
    expect(
      callback.fields.find((f) => f.name === 'Status__c')?.picklistValues?.map((v) => v.value),
    ).toEqual(['Open', 'Attempted', 'Reached', 'Resolved', 'Escalated', 'Closed no contact']);
    expect(callback.fields.find((f) => f.name === 'Account__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account__r',
    });
  });

  it('reports api usage in Sforce-Limit-Info on every response', async () => {
    const conn = await connect();
    await conn.sobject('Account').create({ Name: 'Acme' });
    await conn.query('SELECT Id FROM Account');
    expect(conn.limitInfo?.apiUsage).toEqual({ used: 2, limit: 1_000_000 });
  });

  it('creates, reads, updates and deletes a record', async () => {
    const conn = await connect();
    const created = await conn.sobject('Account').create({ Name: 'Acme', Website: 'acme.example' });
    expect(created).toMatchObject({ success: true, errors: [] });
    const id = (created as { id: string }).id;
    expect(id).toMatch(/^001[a-zA-Z0-9]{15}$/);
    await conn.sobject('Account').update({ Id: id, NPS_Score__c: 42.5 });
    expect(await conn.sobject('Account').retrieve(id)).toMatchObject({
      Name: 'Acme',
      NPS_Score__c: 42.5,
      attributes: { type: 'Account' },
    });
    await conn.sobject('Account').destroy(id);
    await expect(conn.sobject('Account').retrieve(id)).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });

  it('upserts one record by external id: 201 created, then 200 updated, then 300 on several matches', async () => {
    const conn = await connect();
    const path = `/services/data/v${VERSION}/sobjects/Survey_Response__c/External_Id__c/api:ans-1`;
    const created = await conn.request({
      method: 'PATCH',
      url: path,
      body: JSON.stringify({ Score__c: 3, NPS__c: 3 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created).toMatchObject({ success: true, errors: [], created: true });
    const updated = await conn.request({
      method: 'PATCH',
      url: path,
      body: JSON.stringify({ Comment__c: 'Trop lent' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(updated).toMatchObject({
      success: true,
      created: false,
      id: (created as { id: string }).id,
    });
    expect(await conn.sobject('Survey_Response__c').find({}, 'Id')).toHaveLength(1);

    await conn.sobject('Survey_Response__c').create([
      { External_Id__c: 'a', Interaction_Id__c: 'case-1' },
      { External_Id__c: 'b', Interaction_Id__c: 'case-1' },
    ]);
    const several = conn.request({
      method: 'PATCH',
      url: `/services/data/v${VERSION}/sobjects/Survey_Response__c/Interaction_Id__c/case-1`,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await expect(several).rejects.toMatchObject({ errorCode: 'MULTIPLE_CHOICES' });
  });

  it('answers the documented responses of single upserts', async () => {
    const responses = fixture<Record<string, unknown>>('salesforce/upsert-single.responses.json');
    const conn = await connect();
    const created = await conn.request({
      method: 'PATCH',
      url: `/services/data/v${VERSION}/sobjects/Survey_Response__c/External_Id__c/x`,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(Object.keys(created as object).sort()).toEqual(
      Object.keys(responses['201_created'] as object).sort(),
    );
    const bogus = await fetch(
      `${url}/services/data/v${VERSION}/sobjects/Survey_Response__c/Bogus__c/x`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${conn.accessToken}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    );
    expect(bogus.status).toBe(404);
    expect(await bogus.json()).toEqual(
      (responses['404_bad_external_id_field'] as unknown[]).map((e) => ({
        ...(e as object),
        message: 'Provided external ID field does not exist or is not accessible: Bogus__c',
      })),
    );
  });
});

describe('errors as Salesforce sends them', () => {
  it.each([
    [
      'an unknown field',
      'Survey_Response__c',
      { Bogus__c: 1 },
      'INVALID_FIELD',
      "No such column 'Bogus__c' on sobject of type Survey_Response__c",
    ],
    [
      'a read-only field',
      'Survey_Response__c',
      { Name: 'x' },
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      'Unable to create fields: Name.',
    ],
    [
      'a missing required field',
      'Contact',
      { FirstName: 'Claire' },
      'REQUIRED_FIELD_MISSING',
      'Required fields are missing: [LastName]',
    ],
    [
      'a bad picklist value',
      'Callback__c',
      { Status__c: 'Done' },
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      'Status: bad value for restricted picklist field: Done',
    ],
    [
      'a too long text',
      'Survey_Response__c',
      { Touchpoint__c: 'x'.repeat(81) },
      'STRING_TOO_LONG',
      'Touchpoint: data value too large',
    ],
    [
      'a number out of range',
      'Survey_Response__c',
      { Score__c: 123 },
      'NUMBER_OUTSIDE_VALID_RANGE',
      'Score: value outside of valid range on numeric field: 123',
    ],
    [
      'a malformed lookup id',
      'Survey_Response__c',
      { Account__c: 'acme' },
      'MALFORMED_ID',
      'Account: id value of incorrect type: acme',
    ],
    [
      'a lookup to a missing record',
      'Survey_Response__c',
      { Account__c: '001000000000001AAA' },
      'INVALID_CROSS_REFERENCE_KEY',
      'invalid cross reference id',
    ],
    [
      'a validation rule',
      'Survey_Response__c',
      { NPS__c: 11 },
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      'NPS must be between 0 and 10',
    ],
    [
      'a bad date-time',
      'Callback__c',
      { Due_At__c: 'tomorrow' },
      'INVALID_TYPE_ON_FIELD_IN_RECORD',
      'Due At: value not of required type',
    ],
  ])('refuses %s', async (_label, type, record, errorCode, message) => {
    const conn = await connect();
    const error = await conn
      .sobject(type)
      .create(record)
      .then(
        () => undefined,
        (e: Error & { errorCode?: string }) => e,
      );
    expect(error).toMatchObject({ errorCode });
    expect(error?.message).toContain(message);
  });

  it('refuses a duplicate external id with DUPLICATE_VALUE naming the existing record', async () => {
    const conn = await connect();
    const first = (await conn
      .sobject('Survey_Response__c')
      .create({ External_Id__c: 'api:1' })) as { id: string };
    await expect(
      conn.sobject('Survey_Response__c').create({ External_Id__c: 'api:1' }),
    ).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
      message: `duplicate value found: External_Id__c duplicates value on record with id: ${first.id}`,
    });
  });

  it('refuses a malformed id in the URL and writes to custom metadata', async () => {
    const conn = await connect();
    await expect(conn.sobject('Account').retrieve('abc')).rejects.toMatchObject({
      errorCode: 'MALFORMED_ID',
    });
    await expect(
      conn.sobject('Alert_Threshold__mdt').create({ Min_Score__c: 0 }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
  });

  it('answers INVALID_SESSION_ID once a token expires, which a refresh function recovers from', async () => {
    const conn = await connect();
    const plain = new jsforce.Connection({
      instanceUrl: url,
      accessToken: conn.accessToken as string,
      version: VERSION,
    });
    await admin(url, 'faults', { tokenTtlMinutes: 0 });
    await expect(plain.query('SELECT Id FROM Account')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
      message: 'Session expired or invalid',
    });
    await admin(url, 'faults', { rules: [] });
    let minted = 0;
    const recovering = new jsforce.Connection({
      instanceUrl: url,
      accessToken: conn.accessToken as string,
      version: VERSION,
      refreshFn: (_c, callback) => {
        minted++;
        connect().then(
          (fresh) => callback(null, fresh.accessToken as string),
          (error: Error) => callback(error),
        );
      },
    });
    await admin(url, 'faults', { tokenTtlMinutes: 0.02 });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await recovering.query('SELECT Id FROM Account')).totalSize).toBe(0);
    expect(minted).toBe(1);
  });

  it('runs out of daily API allocation with REQUEST_LIMIT_EXCEEDED', async () => {
    const small = new SalesforceEmulator({ dailyApiLimit: 2 });
    const running = await small.listen();
    try {
      const conn = new jsforce.Connection({
        oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: running.url },
        version: VERSION,
      });
      await conn.authorize({ grant_type: 'client_credentials' });
      await conn.query('SELECT Id FROM Account');
      await conn.query('SELECT Id FROM Account');
      await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
    } finally {
      await running.close();
    }
  });

  it('answers malformed JSON with a JSON array error, not a stack trace', async () => {
    const conn = await connect();
    const response = await fetch(`${url}/services/data/v${VERSION}/sobjects/Account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: '{"Name":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject([{ errorCode: 'JSON_PARSER_ERROR' }]);
  });
});
