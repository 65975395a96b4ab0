import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import { describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';
import { admin } from './helpers.ts';
import { VERSION, connect, url, useSalesforceEmulator } from './salesforceHarness.ts';

useSalesforceEmulator();

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
