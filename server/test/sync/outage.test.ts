import { afterEach, describe, expect, it } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

const MAX_ATTEMPTS = 3;

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const calls = async (base: string, endpoint: string) =>
  (
    (await (await fetch(`${base}/__emulator/calls`)).json()) as {
      byEndpoint: Record<string, number>;
    }
  ).byEndpoint[endpoint] ?? 0;

describe('a CRM outage longer than the attempt budget', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('dead-letters nothing in either CRM, and writes every record once when it ends', async () => {
    h = await startHarness({ engine: { maxAttempts: MAX_ATTEMPTS } });
    const sf = h.emulators.salesforceUrl;
    const hs = h.emulators.hubspotUrl;
    // A first answer: respondents, account, thresholds and association types resolved and cached,
    // so that during the outage only the writes reach the CRMs.
    await h.api('POST', '/v1/answers', answer({ id: 'before', score: 2 }));
    await waitFor(
      async () =>
        ((await h?.sf())?.Callback__c ?? []).length === 1 &&
        ((await h?.hs())?.objects.tasks ?? []).length === 1,
      15_000,
      'the first answer and its callback in both CRMs',
    );
    const composite = 'POST /services/data/vXX.X/composite';
    const create = 'POST /crm/v3/objects/boucle_survey_response/batch/create';
    const before = { sf: await calls(sf, composite), hs: await calls(hs, create) };
    // Every write fails as a whole: Salesforce Composite 503s, HubSpot batches 502, 503 and 429.
    await post(sf, 'faults', {
      rules: [{ match: 'POST /services/data/v62.0/composite', status: 503 }],
    });
    await post(hs, 'faults', {
      rules: [
        { match: 'batch/create', status: 503 },
        { match: 'batch/upsert', status: 502 },
        { match: 'batch/update', status: 429, retryAfterSeconds: 0 },
      ],
    });
    await h.api('POST', '/v1/answers', {
      answers: Array.from({ length: 10 }, (_, i) => answer({ id: `during-${i}`, score: 2 })),
    });
    // More failed rounds than the attempt budget allows (or, were attempts spent, dead letters).
    await waitFor(
      async () =>
        ((await calls(sf, composite)) - before.sf > MAX_ATTEMPTS + 2 &&
          (await calls(hs, create)) - before.hs > MAX_ATTEMPTS + 2) ||
        ((await h?.server.store.listDead(1)) ?? []).length > 0,
      20_000,
      'the outage outlasting the attempt budget in both CRMs',
    );
    expect(await h.server.store.listDead(100)).toEqual([]);
    expect(((await h.sf()).Survey_Response__c ?? []).length).toBe(1);

    await post(sf, 'faults', { rules: [] });
    await post(hs, 'faults', { rules: [] });
    await waitFor(
      async () =>
        ((await h?.sf())?.Callback__c ?? []).length === 11 &&
        ((await h?.hs())?.objects.tasks ?? []).length === 11,
      20_000,
      'every answer and callback in both CRMs once the outage ends',
    );
    const sfState = await h.sf();
    const hsState = await h.hs();
    expect(new Set(sfState.Survey_Response__c?.map((r) => r.External_Id__c)).size).toBe(11);
    expect(sfState.Survey_Response__c).toHaveLength(11);
    expect(
      new Set(hsState.objects.boucle_survey_response?.map((r) => r.properties.boucle_external_id))
        .size,
    ).toBe(11);
    expect(hsState.objects.boucle_survey_response).toHaveLength(11);
    expect(await h.server.store.listDead(100)).toEqual([]);
  });
});
