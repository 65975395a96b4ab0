import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';
import { linkOf } from '../../src/store/store.ts';

const count = async (h: Harness, type: string) => ((await h.sf())[type] ?? []).length;
const hsCount = async (h: Harness, type: string) => ((await h.hs()).objects[type] ?? []).length;

describe.each(STORES)('answers in, CRM records out (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
  });
  afterAll(() => h.close());

  it('writes answers, ratings, callbacks and rollups to both CRMs', async () => {
    const detractor = answer({
      id: 'det-1',
      score: 3,
      comment: 'Délai <b>beaucoup</b> trop long',
      interactionId: 'case-1',
      language: 'fr',
    });
    const promoter = answer({ id: 'pro-1', score: 10, respondent: { email: 'luc@acme.example' } });
    const passive = answer({
      id: 'pas-1',
      score: 8,
      touchpoint: 'pre-sale',
      answeredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const csat = answer({ id: 'csat-1', metric: 'csat', score: 2 });
    const accepted = await h.api('POST', '/v1/answers', {
      answers: [detractor, promoter, passive, csat],
    });
    expect(accepted).toEqual({ status: 202, body: { accepted: 4, duplicates: 0 } });
    expect(
      await h.api('POST', '/v1/ratings', {
        id: 'r-1',
        interactionId: 'case-1',
        employeeEmail: 'paul@vendor.example',
        rating: 5,
        ratedAt: new Date().toISOString(),
      }),
    ).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });

    await waitFor(
      async () =>
        (await count(h, 'Callback__c')) === 3 &&
        (await count(h, 'Response_Rating__c')) === 1 &&
        (await h.sf()).Account?.[0]?.NPS_Responses__c === 3,
      20_000,
      'Salesforce records',
    );
    const sf = await h.sf();
    expect(
      sf.Survey_Response__c?.map((r) => [
        r.External_Id__c,
        r.Score__c,
        r.Category__c,
        r.Account__c,
      ]).sort(),
    ).toEqual([
      ['api:csat-1', 2, 'Dissatisfied', h.ids.account],
      ['api:det-1', 3, 'Detractor', h.ids.account],
      ['api:pas-1', 8, 'Passive', h.ids.account],
      ['api:pro-1', 10, 'Promoter', h.ids.account],
    ]);
    const detractorRecord = sf.Survey_Response__c?.find((r) => r.External_Id__c === 'api:det-1');
    expect(detractorRecord).toMatchObject({
      Comment__c: 'Délai <b>beaucoup</b> trop long',
      Metric__c: 'NPS',
      NPS__c: 3,
      Touchpoint__c: 'after-sale',
      Language__c: 'fr',
      Interaction_Id__c: 'case-1',
      Source__c: 'api',
      // Read from the comment at sync time, written in the same upsert.
      Themes__c: 'delays',
      Sentiment__c: 'Negative',
    });
    const callbacks = Object.fromEntries((sf.Callback__c ?? []).map((c) => [c.Kind__c, c]));
    expect(callbacks['Detractor recovery']).toMatchObject({
      Status__c: 'Open',
      Assignee__c: h.ids.owner,
      SLA_Hours__c: 24,
      Survey_Response__c: detractorRecord?.Id,
    });
    expect(callbacks['Promoter thanks']).toMatchObject({
      Assignee__c: h.ids.owner,
      SLA_Hours__c: 72,
    });
    expect(callbacks.Dissonance).toMatchObject({ Assignee__c: h.ids.manager, SLA_Hours__c: 48 });
    expect(sf.Response_Rating__c?.[0]).toMatchObject({
      Rating__c: 5,
      Dissonance__c: 'Dissonance',
      Employee__c: h.ids.owner,
      Survey_Response__c: detractorRecord?.Id,
    });
    // NPS over promoter, passive and detractor: (1 − 1) / 3 = 0.
    expect(sf.Account?.[0]).toMatchObject({
      NPS_Score__c: 0,
      NPS_Responses__c: 3,
      Last_Survey_Score__c: 8,
      Open_Callbacks__c: 3,
    });

    await waitFor(
      async () =>
        (await hsCount(h, 'tasks')) === 3 && (await hsCount(h, 'boucle_survey_response')) === 4,
      20_000,
      'HubSpot records',
    );
    const hs = await h.hs();
    expect(
      hs.objects.boucle_survey_response?.find(
        (r) => r.properties.boucle_external_id === 'api:det-1',
      )?.properties,
    ).toMatchObject({
      boucle_score: '3',
      boucle_category: 'Detractor',
      boucle_comment: 'Délai <b>beaucoup</b> trop long',
      boucle_themes: 'delays',
      boucle_sentiment: 'negative',
    });
    expect(hs.objects.tasks?.map((t) => t.properties.boucle_callback_kind).sort()).toEqual([
      'detractor_recovery',
      'dissonance',
      'promoter_thanks',
    ]);
    expect(hs.objects.tasks?.every((t) => t.properties.hs_task_type === 'CALL')).toBe(true);
    // The owner gets the recovery and the thanks; the review of his own answer is never his (no
    // escalation owner is named on the settings page here: it waits unassigned).
    expect(
      hs.objects.tasks?.map((t) => [
        t.properties.boucle_callback_kind,
        t.properties.hubspot_owner_id ?? null,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['detractor_recovery', '501'],
        ['promoter_thanks', '501'],
        ['dissonance', null],
      ]),
    );
    expect(
      hs.associations.filter((a) => a.from.startsWith('tasks:') && a.to.startsWith('contacts:')),
    ).toHaveLength(3);
    await waitFor(
      async () => (await h.hs()).objects.companies?.[0]?.properties.boucle_nps === '0',
      10_000,
      'company rollup',
    );
  });

  it('treats the same answers sent again as duplicates, writing nothing new', async () => {
    const again = await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'det-1', score: 3 }), answer({ id: 'pro-1', score: 10 })],
    });
    expect(again).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count(h, 'Survey_Response__c')).toBe(4);
    expect(await hsCount(h, 'boucle_survey_response')).toBe(4);
  });

  it('summarizes the account for its card, by domain or CRM id', async () => {
    const byDomain = await h.api('GET', '/v1/accounts/acme.example/summary');
    expect(byDomain.status).toBe(200);
    expect(byDomain.body).toMatchObject({
      overall: { n: 3, nps: 0, lowSample: true, csat: { n: 1, csat: 0 } },
      window: { days: 90 },
    });
    expect((byDomain.body.verbatims as { comment: string }[])[0]?.comment).toBe(
      'Délai <b>beaucoup</b> trop long',
    );
    expect((byDomain.body.openCallbacks as unknown[]).length).toBeGreaterThanOrEqual(3);
    const byId = await h.api('GET', `/v1/accounts/${h.ids.account}/summary?window=30d`);
    expect(byId.body).toMatchObject({ overall: { n: 3 }, window: { days: 30 } });
  });

  it('writes an answer whose id fills its 255 characters, and its callback, under keys that fit', async () => {
    const id = `long-${'é'.repeat(250)}`;
    expect((await h.api('POST', '/v1/answers', answer({ id, score: 1 }))).status).toBe(202);
    const ref = `api:${id}`;
    const callbackId = `${ref}:detractor_recovery`;
    await waitFor(
      async () => {
        const callback = await h.server.store.getCallback(callbackId);
        return (
          Boolean(callback && linkOf(callback, 'salesforce')?.crmId) &&
          ((await h.hs()).objects.tasks ?? []).some((t) =>
            t.properties.boucle_external_id?.startsWith('api:long-'),
          )
        );
      },
      20_000,
      'the long answer and its callback in both CRMs',
    );
    const sf = await h.sf();
    const keys = [
      ...(sf.Survey_Response__c ?? []).map((r) => String(r.External_Id__c)),
      ...(sf.Callback__c ?? []).map((r) => String(r.External_Id__c)),
    ].filter((key) => key.includes('long-'));
    expect(keys).toHaveLength(2);
    expect(keys.every((key) => key.length <= 255)).toBe(true);
    expect(keys[0]).toMatch(/^api:long-é+#[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(2);
    expect(await h.server.store.listDead(10)).toEqual([]);
  });

  it('parks an answer whose respondent is not in the CRM, and writes it once they appear', async () => {
    await h.api(
      'POST',
      '/v1/answers',
      answer({
        id: 'new-1',
        respondent: { email: 'zoe@newco.example' },
        account: { domain: 'newco.example' },
      }),
    );
    await waitFor(
      async () =>
        ((await h.api('GET', '/v1/answers?status=unmatched')).body.answers as unknown[]).length ===
        2,
      10_000,
      'parked answer',
    );
    const parked = (await h.api('GET', '/v1/answers?status=unmatched')).body.answers as {
      crm: string;
      reason: string;
      answer: { id: string };
    }[];
    expect(parked.map((p) => [p.crm, p.answer.id]).sort()).toEqual([
      ['hubspot', 'new-1'],
      ['salesforce', 'new-1'],
    ]);
    expect(parked[0]?.reason).toContain('zoe@newco.example / newco.example');
    h.emulators.salesforce.org.create('Account', { Name: 'NewCo', Website: 'newco.example' });
    h.emulators.hubspot.portal.create('companies', {
      properties: { name: 'NewCo', domain: 'newco.example' },
    });
    await waitFor(
      async () =>
        (await h.sf()).Survey_Response__c?.some((r) => r.External_Id__c === 'api:new-1') ?? false,
      10_000,
      'unparked answer',
    );
    await waitFor(
      async () =>
        ((await h.api('GET', '/v1/answers?status=unmatched')).body.answers as unknown[]).length ===
        0,
      10_000,
      'nothing parked',
    );
  });
});
