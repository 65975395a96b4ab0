import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { salesforceCli, type SalesforceCli } from '../salesforceCli.ts';

/**
 * The Salesforce CLI (`sf`, Node 22, both from the npm registry and cached in
 * node_modules/.cache/boucle-sf) against the emulator, exactly as a developer would point it at
 * an org: it logs in with an access token, then reads and writes through its own jsforce.
 * Bulk API 2.0 commands (`data import|export bulk`, `data upsert|delete bulk`) are not covered:
 * the emulator has no Bulk API.
 */

// A test runs up to seven `sf` processes; on a loaded machine each can take several seconds.
vi.setConfig({ testTimeout: 180_000 });

let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;
let sf: SalesforceCli;
const ORG = ['--target-org', 'emulator'];

async function accessToken(): Promise<string> {
  const response = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'boucle-sandbox',
      client_secret: 'sandbox',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function login(token: string) {
  return sf.json(
    ['org', 'login', 'access-token', '--instance-url', url, '--no-prompt', '--alias', 'emulator'],
    { SF_ACCESS_TOKEN: token },
  );
}

beforeAll(async () => {
  emulator = new SalesforceEmulator({ dailyApiLimit: 1_000_000 });
  ({ url, close } = await emulator.listen());
  // The first run installs Node 22 and the CLI (about a minute); later runs reuse the cache.
  sf = await salesforceCli();
  expect((await login(await accessToken())).status).toBe(0);
}, 600_000);
afterAll(async () => {
  sf.dispose();
  await close();
});
// Each `sf` command is a Node process of its own (about a second): the tests share one login and
// one org, and make records of their own rather than resetting it.

describe('sf org', () => {
  it('logs in with an access token: userinfo, then the token user', async () => {
    const answer = await login(await accessToken());
    expect(answer.status).toBe(0);
    expect(answer.result).toMatchObject({
      orgId: emulator.orgId,
      username: 'integration@boucle.example',
      isDevHub: false,
    });
  });

  it('refuses a token the org does not know', async () => {
    const answer = await login('00D5g000000BOUCLE!not-a-token');
    expect(answer.status).not.toBe(0);
    expect(answer.name).toBe('AuthCodeUsernameRetrievalError');
  });

  it('displays the org as connected', async () => {
    const answer = await sf.json(['org', 'display', ...ORG]);
    expect(answer.result).toMatchObject({
      id: emulator.orgId,
      username: 'integration@boucle.example',
      connectedStatus: 'Connected',
      alias: 'emulator',
    });
  });
});

describe('sf data', () => {
  async function createAccount(values: string) {
    return sf.json([
      'data',
      'create',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--values',
      values,
    ]);
  }

  it('creates, gets, updates and deletes a record', async () => {
    const created = await createAccount("Name='Acme Corp' Website=acme.example");
    expect(created.result).toMatchObject({ success: true, id: expect.stringMatching(/^001/) });
    const id = (created.result as { id: string }).id;

    const got = await sf.json([
      'data',
      'get',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--record-id',
      id,
    ]);
    expect(got.result).toMatchObject({ Id: id, Name: 'Acme Corp', Website: 'acme.example' });

    const updated = await sf.json([
      'data',
      'update',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--where',
      "Name='Acme Corp'",
      '--values',
      'Website=acme.test',
    ]);
    expect(updated.result).toMatchObject({ id, success: true });
    const byWhere = await sf.json([
      'data',
      'get',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--where',
      "Name='Acme Corp'",
    ]);
    expect(byWhere.result).toMatchObject({ Id: id, Website: 'acme.test' });

    const deleted = await sf.json([
      'data',
      'delete',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--record-id',
      id,
    ]);
    expect(deleted.result).toMatchObject({ id, success: true });
    const gone = await sf.json([
      'data',
      'get',
      'record',
      ...ORG,
      '--sobject',
      'Account',
      '--record-id',
      id,
    ]);
    expect(gone.name).toBe('NOT_FOUND');
  });

  it('reports a refused write with the org error code', async () => {
    const answer = await createAccount('Website=acme.example');
    expect(answer.status).not.toBe(0);
    expect(answer.name).toBe('REQUIRED_FIELD_MISSING');
  });

  it('queries with parent fields, laid out from the column metadata', async () => {
    await createAccount("Name='Initech'");
    await createAccount("Name='Hooli'");
    const csv = await sf.text([
      'data',
      'query',
      ...ORG,
      '--result-format',
      'csv',
      '--query',
      "SELECT Id, Name, Owner.Username FROM Account WHERE Name IN ('Initech', 'Hooli') ORDER BY Name",
    ]);
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('Id,Name,Owner.Username');
    expect(rows.map((row) => row.split(',').slice(1))).toEqual([
      ['Hooli', 'integration@boucle.example'],
      ['Initech', 'integration@boucle.example'],
    ]);
  });

  it('returns query records as JSON and reports a bad field', async () => {
    await createAccount("Name='Umbrella'");
    const answer = await sf.json([
      'data',
      'query',
      ...ORG,
      '--query',
      "SELECT Name FROM Account WHERE Name = 'Umbrella'",
    ]);
    expect(answer.result).toMatchObject({
      totalSize: 1,
      done: true,
      records: [{ Name: 'Umbrella' }],
    });
    const bad = await sf.json(['data', 'query', ...ORG, '--query', 'SELECT Nope__c FROM Account']);
    expect(bad.name).toBe('INVALID_FIELD');
  });
});

describe('sf sobject', () => {
  it("lists the custom objects of Boucle's package", async () => {
    const answer = await sf.json(['sobject', 'list', ...ORG, '--sobject', 'custom']);
    expect(answer.result).toEqual(
      expect.arrayContaining(['Survey_Response__c', 'Callback__c', 'Alert_Threshold__mdt']),
    );
    expect(answer.result).not.toContain('Account');
  });

  it('describes an object with its fields', async () => {
    const answer = await sf.json([
      'sobject',
      'describe',
      ...ORG,
      '--sobject',
      'Survey_Response__c',
    ]);
    const result = answer.result as { name: string; custom: boolean; fields: { name: string }[] };
    expect(result.name).toBe('Survey_Response__c');
    expect(result.custom).toBe(true);
    expect(result.fields.map((f) => f.name)).toContain('Id');
  });
});
