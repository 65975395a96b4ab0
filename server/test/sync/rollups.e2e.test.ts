import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCallback } from '../../src/store/store.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

const DAY_MS = 86_400_000;

/**
 * Account and company rollups stay true after what happens to callbacks and with time: a callback
 * closed through the API or in either CRM itself updates `Open_Callbacks__c` and
 * `boucle_open_callbacks` within one sweep; CSAT and CES are rolled up beside NPS in both CRMs; and
 * the daily refresh writes again the rollups the passing of time changed (an answer that left the
 * 90-day window), with no new answer (the engine's clock is moved forward a day, no sleeping).
 */
describe('fresh rollups in Salesforce and HubSpot', () => {
  let h: Harness;
  /** How far the engine's clock is ahead of the wall clock. */
  let ahead = 0;
  beforeAll(async () => {
    h = await startHarness({ engine: { clock: () => Date.now() + ahead } });
  });
  afterAll(() => h.close());

  const account = async () =>
    (await h.sf()).Account?.find((a) => a.Id === h.ids.account) as Record<string, unknown>;
  const company = async () =>
    (await h.hs()).objects.companies?.find((c) => c.id === h.ids.company)?.properties ?? {};
  /** The CRM record of a callback's side in that CRM. */
  const crmIdIn = (callback: StoredCallback, crm: string) =>
    callback.links.find((link) => link.crm === crm)?.crmId;
  const openCallbacks = async (crm: string) =>
    (await h.server.store.listCallbacks({ status: 'open', now: new Date().toISOString() })).filter(
      (c) => c.kind === 'detractor_recovery' && crmIdIn(c, crm),
    );
  /** Until the queue holds no job waiting or running: every rollup queued so far is written. */
  const settled = (what: string) =>
    waitFor(
      async () =>
        Object.entries(await h.server.store.openJobCounts()).every(
          ([state, n]) => state.endsWith('.dead') || n === 0,
        ),
      20_000,
      what,
    );
  const patch = (id: string, body: unknown) =>
    h.api('PATCH', `/v1/callbacks/${encodeURIComponent(id)}`, body);

  it('updates Open_Callbacks__c and boucle_open_callbacks when callbacks close through the API or in either CRM', async () => {
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'cb-0', score: 1 }),
        answer({ id: 'cb-1', score: 2 }),
        answer({ id: 'cb-2', score: 3 }),
      ],
    });
    // One callback per answer and kind, written to both CRMs, counted once in each rollup.
    await waitFor(
      async () =>
        (await openCallbacks('salesforce')).length === 3 &&
        (await openCallbacks('hubspot')).length === 3,
      20_000,
      'the callbacks written to both CRMs',
    );
    await waitFor(
      async () =>
        (await account())?.Open_Callbacks__c === 3 &&
        (await company()).boucle_open_callbacks === '3',
      20_000,
      'three open callbacks in both rollups',
    );
    const byAnswer = async (id: string) =>
      (await openCallbacks('salesforce')).find(
        (c) => c.answerRef === `api:${id}`,
      ) as StoredCallback;
    const viaApi = await byAnswer('cb-1');
    const inSalesforce = await byAnswer('cb-2');
    const inHubSpot = await byAnswer('cb-0');

    // One resolved through the API.
    expect((await patch(viaApi.id, { status: 'reached', outcome: 'Avoir' })).status).toBe(200);
    expect((await patch(viaApi.id, { status: 'resolved' })).status).toBe(200);
    await waitFor(
      async () =>
        (await account())?.Open_Callbacks__c === 2 &&
        (await company()).boucle_open_callbacks === '2',
      20_000,
      'two open callbacks left in both rollups',
    );
    await settled('the API updates synced');

    // The others closed in the CRM itself: logged on its Callback__c in Salesforce, its task
    // completed in HubSpot. One sweep reads them back, and both rollups follow.
    h.emulators.salesforce.org.update(
      'Callback__c',
      crmIdIn(inSalesforce, 'salesforce') as string,
      {
        Status__c: 'Resolved',
        Reached_At__c: new Date(Date.now() - 600_000).toISOString(),
        Outcome__c: 'Rappel fait',
      },
    );
    h.emulators.hubspot.portal.update('tasks', crmIdIn(inHubSpot, 'hubspot') as string, {
      hs_task_status: 'COMPLETED',
    });
    await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(inSalesforce.id))?.status).toBe('resolved');
    expect((await h.server.store.getCallback(inHubSpot.id))?.status).toBe('resolved');
    await waitFor(
      async () =>
        (await account())?.Open_Callbacks__c === 0 &&
        (await company()).boucle_open_callbacks === '0',
      20_000,
      'no open callback in either rollup',
    );
  });

  it('rolls up CSAT and CES beside NPS in both CRMs', async () => {
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'csat-1', metric: 'csat', score: 5 }),
        answer({ id: 'csat-2', metric: 'csat', score: 4 }),
        answer({ id: 'csat-3', metric: 'csat', score: 2 }),
        answer({ id: 'ces-1', metric: 'ces', score: 2 }),
        answer({ id: 'ces-2', metric: 'ces', score: 3 }),
      ],
    });
    // CSAT: 2 of 3 satisfied (4–5) = 66.7 %; CES: (2 + 3) / 2 = 2.5.
    await waitFor(
      async () =>
        (await account())?.CES_Responses__c === 2 && (await company()).boucle_ces_responses === '2',
      20_000,
      'the CSAT and CES rollups',
    );
    expect(await account()).toMatchObject({
      CSAT_Score__c: 66.7,
      CSAT_Responses__c: 3,
      CES_Score__c: 2.5,
      CES_Responses__c: 2,
    });
    expect(await company()).toMatchObject({
      boucle_csat: '66.7',
      boucle_csat_responses: '3',
      boucle_ces: '2.5',
      boucle_ces_responses: '2',
    });
    const summary = await h.api('GET', '/v1/accounts/acme.example/summary');
    expect(summary.body.overall).toMatchObject({
      csat: { n: 3, csat: 66.7 },
      ces: { n: 2, ces: 2.5 },
    });
  });

  it('writes a rollup again at the next daily refresh once an answer has left the window', async () => {
    // A promoter of 89 days and a half ago, still in the 90-day window (too old for a callback).
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({
          id: 'old-1',
          score: 10,
          answeredAt: new Date(Date.now() - 89.5 * DAY_MS).toISOString(),
        }),
      ],
    });
    // Three detractors of the tests above and this promoter: 4 NPS answers, NPS (1 − 3) / 4.
    await waitFor(
      async () =>
        (await account())?.NPS_Responses__c === 4 && (await company()).boucle_nps_responses === '4',
      20_000,
      'the rollups with the old answer',
    );
    expect((await account())?.NPS_Score__c).toBe(-50);

    // A day later, with no new answer: the refresh writes both rollups without the old answer.
    ahead = DAY_MS;
    await waitFor(
      async () =>
        (await account())?.NPS_Responses__c === 3 && (await company()).boucle_nps_responses === '3',
      20_000,
      'the refreshed rollups',
    );
    expect(await account()).toMatchObject({ NPS_Score__c: -100, CSAT_Responses__c: 3 });
    expect(await company()).toMatchObject({ boucle_nps: '-100', boucle_csat: '66.7' });
  });
});

describe('the daily refresh of many accounts', () => {
  let h: Harness;
  let ahead = 0;
  const ACCOUNTS = 250;
  beforeAll(async () => {
    h = await startHarness({ engine: { clock: () => Date.now() + ahead } });
    const { org } = h.emulators.salesforce;
    const { portal } = h.emulators.hubspot;
    for (let i = 0; i < ACCOUNTS; i++) {
      const domain = `client${i}.example`;
      const account = org.create('Account', {
        Name: `Client ${i}`,
        Website: `https://${domain}`,
        OwnerId: h.ids.owner,
      }) as { id: string };
      org.create('Contact', { LastName: `C${i}`, Email: `c@${domain}`, AccountId: account.id });
      const company = portal.create('companies', { properties: { name: `Client ${i}`, domain } });
      const contact = portal.create('contacts', { properties: { email: `c@${domain}` } });
      portal.link('contacts', contact.id, 'companies', company.id);
    }
  });
  afterAll(() => h.close());

  const calls = async (base: string) =>
    (
      (await (await fetch(`${base}/__emulator/calls`)).json()) as {
        byEndpoint: Record<string, number>;
      }
    ).byEndpoint;
  const idle = () =>
    waitFor(
      async () => Object.entries(await h.server.store.openJobCounts()).every(([, n]) => n === 0),
      60_000,
      'every job settled',
    );

  it("writes every account's rollup again in each CRM's batches (200 records a collection, 100 inputs a HubSpot batch)", async () => {
    // Passives: no callback, only answers and rollups.
    await h.api('POST', '/v1/answers', {
      answers: Array.from({ length: ACCOUNTS }, (_, i) =>
        answer({
          id: `many-${i}`,
          score: 8,
          respondent: { email: `c@client${i}.example` },
          account: { domain: `client${i}.example` },
        }),
      ),
    });
    await waitFor(
      async () =>
        ((await h.sf()).Account ?? []).filter((a) => a.NPS_Responses__c === 1).length === ACCOUNTS,
      60_000,
      'the first rollups',
    );
    await idle();
    const hubspotBefore = await calls(h.emulators.hubspotUrl);
    const refreshedAt = Date.now() + DAY_MS;

    ahead = DAY_MS;
    await waitFor(
      async () =>
        ((await h.sf()).Account ?? []).filter(
          (a) => a.NPS_Responses__c === 1 && Date.parse(String(a.NPS_Updated_At__c)) >= refreshedAt,
        ).length === ACCOUNTS,
      60_000,
      'every Account rollup written again',
    );
    await idle();
    expect(await h.server.store.listDead(10)).toEqual([]);
    const delta = (after: Record<string, number>, before: Record<string, number>, key: string) =>
      (after[key] ?? 0) - (before[key] ?? 0);
    const companies = delta(
      await calls(h.emulators.hubspotUrl),
      hubspotBefore,
      'POST /crm/v3/objects/companies/batch/update',
    );
    // The emulators refuse a collection of more than 200 records and a HubSpot batch of more than
    // 100 inputs, as the CRMs do: every rollup written again, none dead, says the batches held.
    // 250 companies take three batches of 100 (the queue's first claim of a round may split one).
    expect(companies).toBeGreaterThanOrEqual(3);
    expect(companies).toBeLessThanOrEqual(4);
  });
});
