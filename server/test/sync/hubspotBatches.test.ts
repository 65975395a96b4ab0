import { afterEach, describe, expect, it } from 'vitest';
import { HubSpotAdapter } from '../../src/crm/hubspot/adapter.ts';
import { HubSpotEmulator, type BatchErrorMode } from '../../src/emulators/hubspot/app.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

const faults = (base: string, rules: unknown[]) =>
  fetch(`${base}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
const byEndpoint = async (base: string) =>
  (
    (await (await fetch(`${base}/__emulator/calls`)).json()) as {
      byEndpoint: Record<string, number>;
    }
  ).byEndpoint;

describe.each<BatchErrorMode>(['documented', 'multi-status', 'all-or-nothing'])(
  'HubSpot batch writes with bad records in them, the portal answering as %s',
  (mode) => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('dead-letters the bad records alone, with their error, and writes the others once', async () => {
      h = await startHarness();
      h.emulators.hubspot.batchErrors = mode;
      // A validation rule of the portal that these records break, in creates and upserts alike.
      await faults(h.emulators.hubspotUrl, [
        {
          match: '/batch/',
          recordErrorCode: 'VALIDATION_ERROR',
          recordMatch: '"api:bad-',
          message: 'Property values were not valid',
        },
      ]);
      await h.api('POST', '/v1/answers', {
        answers: [
          ...Array.from({ length: 17 }, (_, i) => answer({ id: `good-${i}`, score: 8 })),
          ...[1, 2, 3].map((i) => answer({ id: `bad-${i}`, score: 8 })),
        ],
      });
      await h.api('POST', '/v1/ratings', {
        ratings: [...Array.from({ length: 9 }, (_, i) => `good-r${i}`), 'bad-r1', 'bad-r2'].map(
          (id) => ({
            id,
            interactionId: `case-${id}`,
            employeeEmail: 'paul@vendor.example',
            rating: 4,
            ratedAt: new Date().toISOString(),
          }),
        ),
      });
      const dead = async () =>
        ((await h?.server.store.listDead(100)) ?? []).filter((job) => job.crm === 'hubspot');
      await waitFor(
        async () => (await dead()).length === 5,
        20_000,
        'the 3 bad answers and 2 bad ratings dead-lettered',
      );
      await waitFor(
        async () =>
          ((await h?.hs())?.objects.boucle_survey_response ?? []).length === 17 &&
          ((await h?.hs())?.objects.notes ?? []).length === 9,
        20_000,
        'the good answers and ratings in HubSpot',
      );
      expect((await dead()).map((job) => job.ref).sort()).toEqual([
        'api:bad-1',
        'api:bad-2',
        'api:bad-3',
        'api:bad-r1',
        'api:bad-r2',
      ]);
      for (const job of await dead())
        expect(job.lastError).toBe('VALIDATION_ERROR: Property values were not valid');
      const hs = await h.hs();
      expect(
        hs.objects.boucle_survey_response?.map((r) => r.properties.boucle_external_id).sort(),
      ).toEqual(Array.from({ length: 17 }, (_, i) => `api:good-${i}`).sort());
      // Written once: created, never created again and updated (no CONFLICT, no upsert of them).
      expect(
        (await byEndpoint(h.emulators.hubspotUrl))[
          'POST /crm/v3/objects/boucle_survey_response/batch/upsert'
        ],
      ).toBeUndefined();
    });
  },
);

describe('HubSpot companies by domain', () => {
  let emulator: HubSpotEmulator | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    emulator = undefined;
  });

  it('are found with CRM search (a domain is not unique: batch read refuses it), paced within the search limit, and cached', async () => {
    emulator = new HubSpotEmulator({ burstLimit: 10_000 });
    let url: string;
    ({ url, close } = await emulator.listen());
    const domains = Array.from({ length: 650 }, (_, i) => `account${i}.example`);
    for (const [i, domain] of domains.entries())
      emulator.portal.create('companies', {
        properties: { name: `Account ${i}`, domain, hubspot_owner_id: String(500 + (i % 7)) },
      });
    // Two companies share a domain: the oldest is the one.
    emulator.portal.create('companies', { properties: { name: 'Late twin', domain: domains[0] } });
    const adapter = new HubSpotAdapter({ baseUrl: url, accessToken: 'pat-sandbox' });
    const items = domains.map((domain, i) => ({
      ref: `api:${i}`,
      answer: answer({ id: String(i), respondent: { email: `x@${domain}` }, account: { domain } }),
    })) as never[];
    const resolved = await adapter.resolve(items);
    expect(resolved.size).toBe(650);
    const first = emulator.portal.list('companies').find((c) => c.properties.domain === domains[0]);
    expect(resolved.get('api:0')?.accountId).toBe(first?.id);
    const calls = (await byEndpoint(url)) as Record<string, number>;
    // 7 searches of 100 domains, none refused by the 5-a-second search limit.
    expect(calls['POST /crm/v3/objects/companies/search']).toBe(7);
    expect(calls['POST /crm/v3/objects/companies/batch/read']).toBeUndefined();
    await adapter.resolve(items);
    expect((await byEndpoint(url))['POST /crm/v3/objects/companies/search']).toBe(7);
  });
});
