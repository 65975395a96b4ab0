import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';

/**
 * jsforce beyond the data calls: the resources around authentication as an integration reaches
 * them (the identity URL of the token response, OpenID userinfo, limits, the versions list, token
 * revocation; Salesforce help: "Identity URLs", "UserInfo Endpoint", "Revoke OAuth Tokens"), and
 * documented limits the data tests do not reach.
 */

const VERSION = '62.0';
let emulator: SalesforceEmulator;
let url: string;
let close: () => Promise<void>;

async function connect(): Promise<Connection> {
  const conn = new jsforce.Connection({
    oauth2: { clientId: 'boucle-sandbox', clientSecret: 'sandbox', loginUrl: url },
    version: VERSION,
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A connection that has only a token and an instance URL, as after `sf org login access-token`. */
function fromToken(accessToken: string): Connection {
  return new jsforce.Connection({ instanceUrl: url, accessToken, version: VERSION });
}

beforeAll(async () => {
  emulator = new SalesforceEmulator({ dailyApiLimit: 1_000 });
  ({ url, close } = await emulator.listen());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

describe('identity URL', () => {
  it("answers jsforce's identity() for the token's user and org", async () => {
    const conn = await connect();
    const identity = await conn.identity();
    expect(identity).toMatchObject({
      id: conn.userInfo?.url,
      user_id: conn.userInfo?.id,
      organization_id: emulator.orgId,
      username: 'integration@boucle.example',
      display_name: 'Integration',
      email: 'integration@boucle.example',
      active: true,
      user_type: 'STANDARD',
    });
    expect(identity.urls.rest).toBe(`${url}/services/data/v{version}/`);
  });

  it('is found from the versioned resources when the connection has only a token', async () => {
    const conn = fromToken((await connect()).accessToken as string);
    const identity = await conn.identity();
    expect(identity.organization_id).toBe(emulator.orgId);
    expect(conn.userInfo?.organizationId).toBe(emulator.orgId);
  });

  it('fills the API version into its URLs when asked', async () => {
    const conn = await connect();
    const identity = await conn.request<{ urls: Record<string, string> }>(
      `${conn.userInfo?.url}?version=latest`,
    );
    expect(identity.urls.sobjects).toMatch(/\/services\/data\/v\d+\.\d\/sobjects\/$/);
  });

  it('refuses a request without a valid token with 403 Bad_OAuth_Token', async () => {
    const conn = await connect();
    const response = await fetch(`${conn.userInfo?.url}?format=json&oauth_token=nope`);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Bad_OAuth_Token');
  });
});

describe('userinfo', () => {
  it('answers the OpenID claims the Salesforce CLI reads', async () => {
    const conn = await connect();
    const info = await conn.request<Record<string, unknown>>('/services/oauth2/userinfo');
    expect(info).toMatchObject({
      sub: conn.userInfo?.url,
      user_id: conn.userInfo?.id,
      organization_id: emulator.orgId,
      preferred_username: 'integration@boucle.example',
      email: 'integration@boucle.example',
    });
  });
});

describe('limits and versions', () => {
  it('counts each call in DailyApiRequests, as Sforce-Limit-Info does', async () => {
    const conn = await connect();
    const first = await conn.limits();
    const second = await conn.limits();
    expect(first.DailyApiRequests?.Max).toBe(1_000);
    expect(
      (first.DailyApiRequests?.Remaining ?? 0) - (second.DailyApiRequests?.Remaining ?? 0),
    ).toBe(1);
    expect(conn.limitInfo.apiUsage).toEqual({ used: 2, limit: 1_000 });
  });

  it('lists the versions, each one answering its resources', async () => {
    const conn = await connect();
    const versions =
      await conn.request<{ label: string; url: string; version: string }[]>('/services/data');
    expect(versions.length).toBeGreaterThan(0);
    for (const { url: path, version } of versions) {
      expect(path).toBe(`/services/data/v${version}`);
      const resources = await conn.request<Record<string, string>>(path);
      expect(resources.sobjects).toBe(`/services/data/v${version}/sobjects`);
    }
  });

  it('answers NOT_FOUND for a version the org does not serve', async () => {
    const conn = await connect();
    const future = new jsforce.Connection({
      instanceUrl: url,
      accessToken: conn.accessToken as string,
      version: '99.0',
    });
    await expect(future.query('SELECT Id FROM Account')).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });
});

describe('documented limits', () => {
  it('refuses a SOQL statement over 100,000 characters, even inside Composite', async () => {
    const conn = await connect();
    const names = Array.from({ length: 5_000 }, (_, i) => `'account-name-${i}'`).join(', ');
    const soql = `SELECT Id FROM Account WHERE Name IN (${names})`;
    expect(soql.length).toBeGreaterThan(100_000);
    const response = await conn.request<{
      compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[];
    }>({
      method: 'POST',
      url: `/services/data/v${VERSION}/composite`,
      body: JSON.stringify({
        compositeRequest: [
          {
            method: 'GET',
            url: `/services/data/v${VERSION}/query?q=${encodeURIComponent(soql)}`,
            referenceId: 'long',
          },
        ],
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.compositeResponse[0]?.httpStatusCode).toBe(400);
    expect(response.compositeResponse[0]?.body[0]?.errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('versioned answers', () => {
  it('names the matching records of a 300 upsert in the version asked', async () => {
    const conn = await connect();
    await conn.sobject('Survey_Response__c').create([
      { External_Id__c: 'a', Interaction_Id__c: 'case-1' },
      { External_Id__c: 'b', Interaction_Id__c: 'case-1' },
    ]);
    const response = await fetch(
      `${url}/services/data/v60.0/sobjects/Survey_Response__c/Interaction_Id__c/case-1`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${conn.accessToken}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    );
    expect(response.status).toBe(300);
    const urls = (await response.json()) as string[];
    expect(urls).toHaveLength(2);
    for (const match of urls)
      expect(match).toMatch(/^\/services\/data\/v60\.0\/sobjects\/Survey_Response__c\//);
  });
});

describe('revocation', () => {
  it('revokes the token on logout: later calls get INVALID_SESSION_ID', async () => {
    const conn = await connect();
    const token = conn.accessToken as string;
    await conn.logout();
    await expect(fromToken(token).query('SELECT Id FROM Account')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
    });
  });

  it('answers 400 invalid_token for a token it does not know', async () => {
    const response = await fetch(`${url}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });
});
