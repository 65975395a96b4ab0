import { Signature } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from '../sync/harness.ts';

const SECRET = 'hs-client-secret-for-tests';

describe('HubSpot feedback surveys and privacy deletions', () => {
  let h: Harness;
  let claire: string;
  beforeAll(async () => {
    h = await startHarness({ webhooks: { hubspot: { secrets: [SECRET] }, ratePerMinute: 10_000 } });
    const portal = h.emulators.hubspot.portal;
    claire = portal.list('contacts').find((c) => c.properties.email === 'claire@acme.example')
      ?.id as string;
    for (const [type, value, content] of [
      ['NPS', '2', 'Personne ne répond au téléphone'],
      ['CSAT', '5', 'Parfait'],
      ['CUSTOM', '1', 'ignored'],
    ] as const) {
      const submission = portal.create('feedback_submissions', {
        properties: {
          hs_survey_type: type,
          hs_response_value: value,
          hs_content: content,
          hs_survey_name: 'Post-visit survey',
        },
      });
      portal.link('feedback_submissions', submission.id, 'contacts', claire);
    }
  });
  afterAll(() => h.close());

  it('polls feedback submissions into answers, once, skipping custom surveys', async () => {
    expect(await h.server.poller?.pollOnce()).toBe(2);
    expect(await h.server.poller?.pollOnce()).toBe(0);
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).filter((r) => r.Source__c === 'hubspot')
          .length === 2,
      10_000,
      'feedback answers in Salesforce',
    );
    const records =
      (await h.sf()).Survey_Response__c?.filter((r) => r.Source__c === 'hubspot') ?? [];
    expect(
      records.map((r) => [r.Metric__c, r.Score__c, r.Comment__c, r.Touchpoint__c]).sort(),
    ).toEqual([
      ['CSAT', 5, 'Parfait', 'Post-visit survey'],
      ['NPS', 2, 'Personne ne répond au téléphone', 'Post-visit survey'],
    ]);
  });

  it('refuses writes to feedback submissions in the emulator, as HubSpot does', async () => {
    const response = await fetch(
      `${h.emulators.hubspotUrl}/crm/v3/objects/feedback_submissions/batch/create`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer pat-sandbox', 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [] }),
      },
    );
    expect(response.status).toBe(405);
  });

  /**
   * A delivery as HubSpot sends it to `/webhooks/hubspot{query}`, signed with @hubspot/api-client's
   * Signature over the URI with the escapes HubSpot's "Validating requests" page lists decoded.
   */
  const signed = (body: string, at = Date.now(), query = '') => {
    const url = `${h.server.url}/webhooks/hubspot${query}`;
    const signature = Signature.getSignature('POST', 'v3', {
      signature: '', // the options type wants one; getSignature computes it
      clientSecret: SECRET,
      url: url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (e) =>
        String.fromCharCode(parseInt(e.slice(1), 16)),
      ),
      requestBody: body,
      timestamp: at,
    });
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(at),
      },
      body,
    });
  };
  const event = (fields: Record<string, unknown>) => ({
    subscriptionId: 1,
    portalId: 1,
    appId: 1,
    occurredAt: Date.now(),
    attemptNumber: 0,
    ...fields,
  });

  it('accepts a delivery to a URL with escapes in it, signed over the URI as HubSpot decodes it', async () => {
    const body = JSON.stringify([
      event({ eventId: 9200, subscriptionType: 'contact.creation', objectId: 7 }),
    ]);
    const response = await signed(body, Date.now(), '?app=boucle%3Aprod&owner=cx%40acme.example');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 1, erased: 0 });
  });

  it('refuses, one by one and with the reason, events whose ids are not the numbers HubSpot sends', async () => {
    const body = JSON.stringify([
      event({ eventId: 9300, subscriptionType: 'contact.creation', objectId: 8 }),
      event({ eventId: 9301, subscriptionType: 'contact.privacyDeletion', objectId: { id: 8 } }),
      event({ eventId: { id: 9302 }, subscriptionType: 'contact.creation', objectId: 9 }),
      event({ eventId: 9303, subscriptionType: 'contact.privacyDeletion' }),
    ]);
    const response = await signed(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      received: 1,
      erased: 0,
      rejected: [
        {
          index: 1,
          issues: [
            {
              path: '1.objectId',
              message: 'must be a number (HubSpot sends objectId as a JSON number)',
            },
          ],
        },
        {
          index: 2,
          issues: [
            {
              path: '2.eventId',
              message: 'must be a number (HubSpot sends eventId as a JSON number)',
            },
          ],
        },
        {
          index: 3,
          issues: [{ path: '3.objectId', message: 'is required for contact.privacyDeletion' }],
        },
      ],
    });
    // HubSpot's retry of the same delivery: the good event is a duplicate, the bad ones still refused.
    expect(await (await signed(body)).json()).toMatchObject({
      received: 0,
      rejected: [{ index: 1 }, { index: 2 }, { index: 3 }],
    });
    // No "[object Object]" was ever taken for an event id.
    expect(await h.server.store.recordDelivery('hubspot', '[object Object]', Date.now())).toBe(
      true,
    );
  });

  it('erases a contact deleted for privacy everywhere, as POST /v1/erasures does, and refuses replays', async () => {
    await h.api(
      'POST',
      '/v1/answers',
      answer({ id: 'claire-1', score: 3, comment: 'Je suis Claire Martin, rappelez-moi' }),
    );
    await waitFor(
      async () =>
        ((await h.hs()).objects.boucle_survey_response ?? []).some((r) =>
          String(r.properties.boucle_comment).includes('Claire Martin'),
        ) &&
        ((await h.sf()).Survey_Response__c ?? []).some((r) =>
          String(r.Comment__c).includes('Claire Martin'),
        ),
      10_000,
      'the answer in both CRMs',
    );
    const events = JSON.stringify([
      {
        eventId: 9001,
        subscriptionId: 1,
        portalId: 1,
        appId: 1,
        occurredAt: Date.now(),
        subscriptionType: 'contact.privacyDeletion',
        attemptNumber: 0,
        objectId: Number(claire),
      },
    ]);
    const response = await signed(events);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { erasures: string[] };
    expect(body).toMatchObject({ received: 1, erased: 3, erasures: [expect.any(String)] });
    const stored = await h.server.store.getAnswers(['api:claire-1', 'hubspot:1']);
    expect(stored.size).toBe(0);
    await waitFor(
      async () => (await h.api('GET', `/v1/erasures/${body.erasures[0]}`)).body.status === 'done',
      10_000,
      'the erasure in both CRMs',
    );
    expect((await h.api('GET', `/v1/erasures/${body.erasures[0]}`)).body).toMatchObject({
      origin: 'hubspot_privacy_deletion',
    });
    // The verbatim is gone from both CRMs, not only from the store.
    expect(JSON.stringify(await h.sf())).not.toContain('Claire Martin');
    expect(JSON.stringify((await h.hs()).objects)).not.toContain('Claire Martin');
    expect((await signed(events)).status).toBe(200);
    // Her old answer delivered again is refused; one she gives later is stored without her.
    expect(
      (
        await h.api(
          'POST',
          '/v1/answers',
          answer({ id: 'claire-1', score: 3, comment: 'Je suis Claire Martin, rappelez-moi' }),
        )
      ).body,
    ).toEqual({ accepted: 0, duplicates: 0, erased: 1 });
    await h.api(
      'POST',
      '/v1/answers',
      answer({
        id: 'claire-2',
        score: 9,
        comment: 'Claire again',
        answeredAt: new Date().toISOString(),
      }),
    );
    expect((await h.server.store.getAnswers(['api:claire-2'])).get('api:claire-2')).toMatchObject({
      score: 9,
    });
    expect(
      (await h.server.store.getAnswers(['api:claire-2'])).get('api:claire-2'),
    ).not.toHaveProperty('comment');
  });

  it("erases a contact on HubSpot's retry when the first erasure failed", async () => {
    const marc = h.emulators.hubspot.portal.create('contacts', {
      properties: { email: 'marc@acme.example', firstname: 'Marc' },
    }).id;
    await h.api(
      'POST',
      '/v1/answers',
      answer({
        id: 'marc-1',
        score: 4,
        comment: 'Marc Dupont, rappelez-moi',
        respondent: { email: 'marc@acme.example', name: 'Marc Dupont' },
      }),
    );
    // What the sync records when it resolves the answer's contact in HubSpot.
    await h.server.store.linkContact('hubspot', marc, 'marc@acme.example');
    const events = JSON.stringify([
      {
        eventId: 9101,
        subscriptionId: 1,
        portalId: 1,
        appId: 1,
        occurredAt: Date.now(),
        subscriptionType: 'contact.privacyDeletion',
        attemptNumber: 0,
        objectId: Number(marc),
      },
    ]);
    const erase = vi
      .spyOn(h.server.store, 'requestErasure')
      .mockRejectedValueOnce(new Error('store unavailable'));
    try {
      expect((await signed(events)).status).toBeGreaterThanOrEqual(500);
      const retry = await signed(events);
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ received: 1 });
      expect((await h.server.store.getAnswers(['api:marc-1'])).size).toBe(0);
    } finally {
      erase.mockRestore();
    }
  });

  it.each([
    ['a stale timestamp', () => signed('[]', Date.now() - 301_000), 401],
    ['a future timestamp', () => signed('[]', Date.now() + 301_000), 401],
    [
      'no signature',
      () => fetch(`${h.server.url}/webhooks/hubspot`, { method: 'POST', body: '[]' }),
      401,
    ],
    ['a body that is not an event array', () => signed('{"events": []}'), 400],
  ])('refuses a delivery with %s', async (_label, send, status) => {
    expect((await send()).status).toBe(status);
  });
});
