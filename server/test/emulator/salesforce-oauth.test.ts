import { generateKeyPairSync } from 'node:crypto';
import jsforce from 'jsforce';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';
import {
  VERSION,
  assertion,
  connect,
  emulator,
  seed,
  url,
  useSalesforceEmulator,
} from './salesforceHarness.ts';

useSalesforceEmulator();

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
