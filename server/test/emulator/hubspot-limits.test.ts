import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';
import { admin, fixture } from './helpers.ts';
import { failure, hubspot, url, useHubSpotEmulator } from './hubspotHarness.ts';

useHubSpotEmulator();

describe('rate limits', () => {
  it('sends the rate-limit headers and the exact ten-secondly 429 body', async () => {
    const small = new HubSpotEmulator({ burstLimit: 3 });
    const running = await small.listen();
    try {
      const response = await fetch(`${running.url}/crm/v3/objects/contacts`, {
        headers: { authorization: 'Bearer pat-sandbox' },
      });
      expect(
        Object.fromEntries([...response.headers].filter(([k]) => k.startsWith('x-hubspot'))),
      ).toEqual({
        'x-hubspot-ratelimit-daily': '250000',
        'x-hubspot-ratelimit-daily-remaining': '249999',
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-max': '3',
        'x-hubspot-ratelimit-remaining': '2',
      });
      const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
      await client.crm.contacts.basicApi.getPage(1);
      await client.crm.contacts.basicApi.getPage(1);
      const error = await failure(client.crm.contacts.basicApi.getPage(1));
      const expected = fixture<Record<string, Record<string, unknown>>>('hubspot/errors.json')[
        '429_ten_secondly'
      ] as Record<string, unknown>;
      expect(error.code).toBe(429);
      expect(error.body).toMatchObject({
        status: 'error',
        message: expected.message,
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
      expect(Object.keys(error.body).sort()).toEqual(Object.keys(expected).sort());
      expect(Number(error.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });

  it('answers the daily limit with the DAILY body', async () => {
    const small = new HubSpotEmulator({ dailyLimit: 1 });
    const running = await small.listen();
    try {
      const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
      await client.crm.contacts.basicApi.getPage(1);
      const error = await failure(client.crm.contacts.basicApi.getPage(1));
      const expected = fixture<Record<string, Record<string, unknown>>>('hubspot/errors.json')[
        '429_daily'
      ] as Record<string, unknown>;
      expect(error.body).toMatchObject({ message: expected.message, policyName: 'DAILY' });
      expect(Object.keys(error.body).sort()).toEqual(Object.keys(expected).sort());
    } finally {
      await running.close();
    }
  });
});

describe('admin API and faults', () => {
  it('injects 423 locks and 5xx with a Retry-After, a limited number of times', async () => {
    await admin(url, 'faults', {
      rules: [
        { match: 'batch/upsert', status: 423, times: 1 },
        { match: 'contacts', status: 502, retryAfterSeconds: 3, times: 1 },
      ],
    });
    const locked = await failure(
      hubspot.crm.contacts.batchApi.upsert({
        inputs: [{ idProperty: 'email', id: 'a@b.example', properties: {} }],
      }),
    );
    expect(locked.code).toBe(423);
    expect(locked.body).toMatchObject({ category: 'LOCKED' });
    const down = await failure(hubspot.crm.contacts.basicApi.getPage(1));
    expect(down.code).toBe(502);
    expect(down.headers['retry-after']).toBe('3');
    expect((await hubspot.crm.contacts.basicApi.getPage(1)).results).toEqual([]);
  });

  it('counts calls by endpoint and keeps state across restarts with a data file', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'boucle-hs-')), 'portal.json');
    const first = new HubSpotEmulator({ dataFile });
    const running = await first.listen();
    const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
    await client.crm.companies.basicApi.create({ properties: { name: 'Kept' }, associations: [] });
    expect(
      ((await admin(running.url, 'calls')) as { byEndpoint: Record<string, number> }).byEndpoint,
    ).toEqual({ 'POST /crm/v3/objects/companies': 1 });
    await running.close();
    const second = new HubSpotEmulator({ dataFile });
    expect(second.portal.list('companies').map((c) => c.properties.name)).toEqual(['Kept']);
  });
});
