/**
 * The emulator holds users to what an org would: their permission sets' field-level security, and
 * the validation rule that ties a Response Rating to the user who saves it (the security review of
 * the package: ratings could be forged in a colleague's name, or marked "Aligned" by hand).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin } from './helpers.ts';

const VERSION = '62.0';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;
let paul: string;
let julie: string;

/** A session as an employee, by the JWT bearer flow. */
async function loginAs(username: string): Promise<Connection> {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: 'boucle-sandbox',
    sub: username,
    aud: 'https://login.salesforce.com',
    exp: Math.floor(Date.now() / 1000) + 120,
  };
  const unsigned = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(keys.privateKey);
  const conn = new jsforce.Connection({ loginUrl: url, version: VERSION });
  await conn.authorize({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${unsigned}.${signature.toString('base64url')}`,
  });
  return conn;
}

async function integration(): Promise<Connection> {
  const conn = new jsforce.Connection({
    oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: url },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** POSTs a rating and returns the REST API's answer (status and first error). */
async function rate(conn: Connection, fields: Record<string, unknown>) {
  const response = await fetch(`${url}/services/data/v${VERSION}/sobjects/Response_Rating__c`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  const body = (await response.json()) as { errorCode?: string; message?: string }[] | object;
  return { status: response.status, error: Array.isArray(body) ? body[0] : undefined };
}

beforeAll(async () => {
  emulator = new SalesforceEmulator({
    jwtCertificate: publicKey,
    integrationPermissionSet: 'Boucle_Integration',
  });
  ({ url, close } = await emulator.listen());
});
afterAll(() => close());
beforeEach(async () => {
  emulator.reset();
  const users = (await admin(url, 'records', {
    User: [
      // First: the client-credentials Run As user (Boucle Integration).
      {
        Username: 'integration@boucle.example',
        LastName: 'Integration',
        Email: 'integration@boucle.example',
      },
      { Username: 'paul@vendor.example', LastName: 'Roux', Email: 'paul@vendor.example' },
      { Username: 'julie@vendor.example', LastName: 'Moreau', Email: 'julie@vendor.example' },
    ],
  })) as { User: { id: string }[] };
  [, paul, julie] = users.User.map((u) => u.id) as [string, string, string];
  for (const id of [paul, julie]) emulator.org.assign(id, 'Boucle_User');
});

describe('a Boucle User rating their answer', () => {
  it('saves their own rating', async () => {
    const conn = await loginAs('paul@vendor.example');
    const { status } = await rate(conn, {
      External_Id__c: `salesforce:case-1:${paul}`,
      Interaction_Id__c: 'case-1',
      Employee__c: paul,
      Rating__c: 4,
    });
    expect(status).toBe(201);
  });

  it.each([
    ['Dissonance__c', 'Aligned'],
    ['Survey_Response__c', null],
  ])('cannot write the computed field %s (read-only for users)', async (field, value) => {
    const conn = await loginAs('paul@vendor.example');
    const { status, error } = await rate(conn, {
      External_Id__c: `salesforce:case-1:${paul}`,
      Employee__c: paul,
      Rating__c: 5,
      [field]: value,
    });
    expect(status).toBe(400);
    expect(error).toEqual({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: expect.stringContaining(`Unable to create fields: ${field}`),
      fields: [field],
    });
  });

  it("cannot rate in a colleague's name", async () => {
    const conn = await loginAs('paul@vendor.example');
    const { status, error } = await rate(conn, {
      External_Id__c: `salesforce:case-1:${paul}`,
      Employee__c: julie,
      Rating__c: 5,
    });
    expect(status).toBe(400);
    expect(error).toEqual(
      expect.objectContaining({
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'You can only rate your own answers.',
      }),
    );
  });

  it("cannot claim a colleague's key, which would block their own rating", async () => {
    const conn = await loginAs('paul@vendor.example');
    const { error } = await rate(conn, {
      External_Id__c: `salesforce:case-1:${julie}`,
      Employee__c: paul,
      Rating__c: 5,
    });
    expect(error?.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
  });
});

describe('the integration user (Boucle Integration)', () => {
  it('records ratings on behalf of employees, linked and classified', async () => {
    const conn = await integration();
    const { status } = await rate(conn, {
      External_Id__c: 'api:r-1',
      Employee__c: julie,
      Rating__c: 5,
      Dissonance__c: 'Dissonance',
    });
    expect(status).toBe(201);
  });

  it('cannot do what its permission set does not grant: create accounts', async () => {
    const conn = await integration();
    const response = await fetch(`${url}/services/data/v${VERSION}/sobjects/Account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Acme' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorCode: string }[])[0]?.errorCode).toBe(
      'INSUFFICIENT_ACCESS_OR_READONLY',
    );
  });
});

describe('deleting records, as an erasure does', () => {
  it('lets the integration user delete survey responses through sObject Collections, and refuses a user whose permission sets do not allow it', async () => {
    const boucle = await integration();
    const created = (await boucle.sobject('Survey_Response__c').create([
      { External_Id__c: 'api:e-1', Metric__c: 'NPS', Score__c: 3 },
      { External_Id__c: 'api:e-2', Metric__c: 'NPS', Score__c: 9 },
    ])) as { id: string; success: boolean }[];
    expect(created.map((r) => r.success)).toEqual([true, true]);
    const [first, second] = created.map((r) => r.id) as [string, string];
    // The documented call, with its documented default spelled out.
    const paul = await loginAs('paul@vendor.example');
    const refused = await fetch(
      `${url}/services/data/v${VERSION}/composite/sobjects?ids=${first}&allOrNone=false`,
      { method: 'DELETE', headers: { authorization: `Bearer ${paul.accessToken}` } },
    );
    expect(refused.status).toBe(200);
    expect(await refused.json()).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
            message: 'insufficient access rights on object id',
            fields: [],
          },
        ],
      },
    ]);
    const deleted = await boucle.destroy('Survey_Response__c', [first, second], {
      allOrNone: false,
    });
    expect(deleted.map((r) => r.success)).toEqual([true, true]);
    // Deleted already: what a second erasure run meets.
    const again = await boucle.destroy('Survey_Response__c', [first], { allOrNone: false });
    expect(again[0]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'ENTITY_IS_DELETED' }],
    });
  });
});
