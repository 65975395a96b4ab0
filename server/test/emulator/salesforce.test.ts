import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin, fixture } from './helpers.ts';

const VERSION = '62.0';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;

async function connect(options: { clientSecret?: string } = {}): Promise<Connection> {
  const conn = new jsforce.Connection({
    oauth2: {
      clientId: 'boucle-sandbox',
      clientSecret: options.clientSecret ?? 'sandbox',
      loginUrl: url,
    },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

function assertion(claims: Record<string, unknown>, key = keys.privateKey): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

async function seed(
  records: Record<string, Record<string, unknown>[]>,
): Promise<Record<string, { id: string }[]>> {
  return (await admin(url, 'records', records)) as Record<string, { id: string }[]>;
}

beforeAll(async () => {
  emulator = new SalesforceEmulator({ jwtCertificate: publicKey, dailyApiLimit: 1_000_000 });
  ({ url, close } = await emulator.listen());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

describe('OAuth', () => {
  it('issues a token by client credentials with what jsforce needs', async () => {
    const conn = await connect();
    expect(conn.instanceUrl).toBe(url);
    expect(conn.accessToken).toMatch(/^00D/);
    expect(conn.userInfo?.organizationId).toBe(emulator.orgId);
  });

  it('answers the token response of the fixture, key for key', async () => {
    const response = await fetch(`${url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'boucle-sandbox',
        client_secret: 'sandbox',
      }),
    });
    const expected = fixture<Record<string, object>>('salesforce/oauth-token.responses.json')
      .client_credentials as object;
    expect(Object.keys((await response.json()) as object).sort()).toEqual(
      Object.keys(expected).sort(),
    );
  });

  it('refuses a wrong client secret and an unknown grant', async () => {
    await expect(connect({ clientSecret: 'nope' })).rejects.toThrow(/invalid client credentials/);
    const response = await fetch(`${url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  describe('JWT bearer', () => {
    const exp = () => Math.floor(Date.now() / 1000) + 120;
    const jwtConnection = () => new jsforce.Connection({ loginUrl: url, version: VERSION });
    const claims = () => ({
      iss: 'boucle-sandbox',
      sub: 'ops@acme.example',
      aud: 'https://login.salesforce.com',
      exp: exp(),
    });

    beforeEach(() =>
      seed({
        User: [{ Username: 'ops@acme.example', LastName: 'Ops', Email: 'ops@acme.example' }],
      }),
    );

    it('issues a token for an assertion signed with the configured certificate', async () => {
      const conn = jwtConnection();
      await conn.authorize({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: assertion(claims()),
      });
      const result = await conn.query<{ Username: string }>(
        "SELECT Username FROM User WHERE Id = '" + conn.userInfo?.id + "'",
      );
      expect(result.records[0]?.Username).toBe('ops@acme.example');
    });

    it.each([
      [
        'another key',
        () => assertion(claims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
        'invalid assertion signature',
      ],
      [
        'an expired assertion',
        () => assertion({ ...claims(), exp: Math.floor(Date.now() / 1000) - 1 }),
        'expired authorization code',
      ],
      [
        'exp in milliseconds',
        () => assertion({ ...claims(), exp: Date.now() + 60_000 }),
        'exp is too far in the future',
      ],
      [
        'another client',
        () => assertion({ ...claims(), iss: 'someone-else' }),
        'client identifier invalid',
      ],
      [
        'an unknown user',
        () => assertion({ ...claims(), sub: 'ghost@acme.example' }),
        "user hasn't approved this consumer",
      ],
      [
        'another audience',
        () => assertion({ ...claims(), aud: 'https://example.com' }),
        'audience is invalid',
      ],
      ['a malformed assertion', () => 'not-a-jwt', 'invalid assertion'],
    ])('refuses %s', async (_label, make, message) => {
      await expect(
        jwtConnection().authorize({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: make(),
        }),
      ).rejects.toThrow(message);
    });
  });
});

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

describe('SOQL', () => {
  let conn: Connection;
  beforeEach(async () => {
    conn = await connect();
    const [acme, globex] = (
      await seed({
        Account: [
          { Name: 'Acme', Website: 'acme.example' },
          { Name: 'Globex', Website: 'globex.example' },
        ],
      })
    ).Account as { id: string }[];
    const manager = (
      await seed({
        User: [{ Username: 'boss@vendor.example', LastName: 'Boss', Email: 'boss@vendor.example' }],
      })
    ).User?.[0] as { id: string };
    await seed({
      User: [
        {
          Username: 'rep@vendor.example',
          LastName: 'Rep',
          Email: 'rep@vendor.example',
          ManagerId: manager.id,
        },
      ],
    });
    await seed({
      Contact: [
        {
          LastName: 'Martin',
          FirstName: 'Claire',
          Email: 'claire@acme.example',
          AccountId: acme?.id,
        },
        { LastName: 'Durand', Email: 'luc@globex.example', AccountId: globex?.id },
        { LastName: 'Orphan', Email: 'o@nowhere.example' },
      ],
    });
    await seed({
      Survey_Response__c: [
        {
          External_Id__c: 'r1',
          Score__c: 3,
          Account__c: acme?.id,
          Touchpoint__c: 'after-sale',
          Answered_At__c: new Date().toISOString(),
        },
        {
          External_Id__c: 'r2',
          Score__c: 9,
          Account__c: acme?.id,
          Touchpoint__c: 'pre-sale',
          Answered_At__c: '2020-01-15T10:00:00Z',
        },
        { External_Id__c: 'r3', Score__c: 7, Account__c: globex?.id },
      ],
    });
  });

  const ids = async (soql: string) =>
    (await conn.query<{ External_Id__c: string }>(soql)).records.map((r) => r.External_Id__c);

  it.each([
    ['WHERE Score__c < 5', ['r1']],
    ['WHERE Score__c >= 7 ORDER BY Score__c DESC', ['r2', 'r3']],
    ['WHERE Score__c != 9 ORDER BY External_Id__c', ['r1', 'r3']],
    ['WHERE Score__c <> 9 AND Touchpoint__c = null', ['r3']],
    ["WHERE External_Id__c IN ('r1', 'r3') ORDER BY External_Id__c", ['r1', 'r3']],
    ["WHERE External_Id__c NOT IN ('r1', 'r3')", ['r2']],
    ["WHERE Touchpoint__c LIKE 'AFTER%'", ['r1']],
    ["WHERE (Score__c = 3 OR Score__c = 7) AND NOT Touchpoint__c = 'after-sale'", ['r3']],
    ["WHERE Account__r.Name = 'Acme' ORDER BY External_Id__c", ['r1', 'r2']],
    ['WHERE Answered_At__c = LAST_N_DAYS:30', ['r1']],
    ['WHERE Answered_At__c < 2021-01-01T00:00:00Z', ['r2']],
    ['WHERE Answered_At__c = TODAY', ['r1']],
    ['ORDER BY Touchpoint__c NULLS LAST, External_Id__c LIMIT 2', ['r1', 'r2']],
    ['ORDER BY External_Id__c LIMIT 1 OFFSET 1', ['r2']],
  ])('filters %s', async (clause, expected) => {
    expect(await ids(`SELECT External_Id__c FROM Survey_Response__c ${clause}`)).toEqual(expected);
  });

  it('reads parent fields as nested records, null when there is no parent', async () => {
    const result = await conn.query<Record<string, unknown>>(
      'SELECT Email, Account.Name, Account.OwnerId FROM Contact ORDER BY Email',
    );
    expect(result.records[0]).toMatchObject({
      Email: 'claire@acme.example',
      Account: { attributes: { type: 'Account' }, Name: 'Acme' },
    });
    expect(result.records[2]).toMatchObject({ Email: 'o@nowhere.example', Account: null });
    const reps = await conn.query<Record<string, unknown>>(
      "SELECT Username, Manager.Username FROM User WHERE Username = 'rep@vendor.example'",
    );
    expect(reps.records[0]).toMatchObject({ Manager: { Username: 'boss@vendor.example' } });
  });

  it('counts with COUNT() and reads custom metadata', async () => {
    expect(
      (await conn.query('SELECT COUNT() FROM Survey_Response__c WHERE Score__c > 5')).totalSize,
    ).toBe(2);
    const thresholds = await conn.query<Record<string, unknown>>(
      'SELECT DeveloperName, Metric__c, Min_Score__c, Max_Score__c, Callback_SLA_Hours__c, Assign_To__c FROM Alert_Threshold__mdt WHERE Active__c = true ORDER BY DeveloperName',
    );
    expect(
      thresholds.records.map((r) => [
        r.DeveloperName,
        r.Min_Score__c,
        r.Max_Score__c,
        r.Callback_SLA_Hours__c,
      ]),
    ).toEqual([
      ['Detractor_Callback', 0, 6, 24],
      ['Dissonance_Review', 0, 8, 48],
      ['Promoter_Thanks', 9, 10, 72],
    ]);
  });

  it.each([
    [
      'SELECT Bogus__c FROM Account',
      'INVALID_FIELD',
      "No such column 'Bogus__c' on entity 'Account'",
    ],
    ['SELECT Id FROM Nothing__c', 'INVALID_TYPE', "sObject type 'Nothing__c' is not supported"],
    ['SELECT Id FROM Account WHERE', 'MALFORMED_QUERY', 'unexpected end of query'],
    [
      'SELECT Id FROM Account WHERE Name = ',
      'MALFORMED_QUERY',
      'unexpected end of query, expected a value',
    ],
    ["SELECT Id FROM Account WHERE Name = 'x", 'MALFORMED_QUERY', 'unterminated string'],
    [
      'SELECT Nope__r.Name FROM Account',
      'INVALID_FIELD',
      "Didn't understand relationship 'Nope__r'",
    ],
  ])('refuses %s with %s', async (soql, errorCode, message) => {
    const error = await conn.query(soql).then(
      () => undefined,
      (e: Error & { errorCode?: string }) => e,
    );
    expect(error).toMatchObject({ errorCode });
    expect(error?.message).toContain(message);
  });

  it('pages at 2,000 rows with nextRecordsUrl, as jsforce follows it', async () => {
    await seed({ Account: Array.from({ length: 4_500 }, (_, i) => ({ Name: `Account ${i}` })) });
    const first = await conn.query('SELECT Id, Name FROM Account');
    expect(first).toMatchObject({ totalSize: 4_502, done: false });
    expect(first.records).toHaveLength(2_000);
    // jsforce reports the locator URL absolute; the emulator sends it relative, as Salesforce does.
    expect(first.nextRecordsUrl).toMatch(new RegExp(`/services/data/v${VERSION}/query/\\w+-2000$`));
    const all = await conn.query('SELECT Id FROM Account', { autoFetch: true, maxFetch: 10_000 });
    expect(all.records).toHaveLength(4_502);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(4_502);
    expect(
      (await conn.query('SELECT Id FROM Account LIMIT 10', { scanAll: true })).records,
    ).toHaveLength(10);
    const fixtureShape = fixture('salesforce/query.response.json');
    expect(Object.keys(first).sort()).toEqual(Object.keys(fixtureShape).sort());
  });
});

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

describe('admin API and faults', () => {
  it('lists state and calls by endpoint, and resets', async () => {
    const conn = await connect();
    await conn.sobject('Account').create({ Name: 'Acme' });
    await conn.query('SELECT Id FROM Account');
    const calls = (await admin(url, 'calls')) as {
      total: number;
      byEndpoint: Record<string, number>;
    };
    expect(calls.total).toBe(2);
    expect(calls.byEndpoint).toMatchObject({
      'POST /services/data/vXX.X/sobjects/Account': 1,
      'GET /services/data/vXX.X/query': 1,
      'POST /services/oauth2/token': 1,
    });
    expect(
      ((await admin(url, 'state')) as { objects: Record<string, unknown[]> }).objects.Account,
    ).toHaveLength(1);
    await admin(url, 'reset', {});
    expect(
      ((await admin(url, 'state')) as { objects: Record<string, unknown[]> }).objects.Account,
    ).toBeUndefined();
  });

  it('injects an HTTP status with the CRM error body, a limited number of times', async () => {
    const conn = await connect();
    await admin(url, 'faults', {
      rules: [
        {
          match: '/query',
          status: 403,
          errorCode: 'INSUFFICIENT_ACCESS',
          message: 'no access',
          times: 1,
        },
      ],
    });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({
      errorCode: 'INSUFFICIENT_ACCESS',
      message: 'no access',
    });
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(0);
  });

  it('shows that jsforce retries a 503 on its own (writers must count on it)', async () => {
    const conn = await connect();
    await admin(url, 'faults', { rules: [{ match: '/query', status: 503, times: 1 }] });
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(0);
    const calls = (await admin(url, 'calls')) as { byEndpoint: Record<string, number> };
    expect(calls.byEndpoint['GET /services/data/vXX.X/query']).toBe(2);
  });

  it('injects latency and hanging connections', async () => {
    const conn = await connect();
    await admin(url, 'faults', {
      rules: [
        { match: 'limits', latencyMs: 300, times: 1 },
        { match: 'sobjects', hang: true },
      ],
    });
    const started = Date.now();
    await conn.limits();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const hung = fetch(`${url}/services/data/v${VERSION}/sobjects`, {
      headers: { authorization: `Bearer ${conn.accessToken}` },
      signal: AbortSignal.timeout(500),
    });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
  });

  it('refuses a malformed fault rule precisely', async () => {
    const response = await fetch(`${url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ match: 'x', rate: 2 }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'rules.0.rate: must be from 0 to 1' });
  });

  it('keeps its records across restarts with a data file', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'boucle-sf-')), 'org.json');
    const first = new SalesforceEmulator({ dataFile });
    const running = await first.listen();
    const conn = new jsforce.Connection({
      oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: running.url },
      version: VERSION,
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    await conn.sobject('Account').create({ Name: 'Kept' });
    await running.close();
    const second = new SalesforceEmulator({ dataFile });
    expect(second.org.rows('Account').map((r) => r.Name)).toEqual(['Kept']);
  });
});
