import { DEFAULT_THRESHOLD_RULES } from '@boucle/shared';
import {
  serverSettingsSchema,
  type Answer,
  type SurveyPressureSettings,
} from '@boucle/shared/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/http/hubspotApp.ts';
import { answer, startHarness, waitFor, type Harness } from '../sync/harness.ts';

// Survey pressure end to end: the server against both CRM emulators, answers through the API and
// the sync engine, callbacks resolved through the API.

const DAY_MS = 86_400_000;

/**
 * Enforces caps where an admin of a Salesforce-connected org sets them: its `Survey_Pressure__mdt`
 * record (Salesforce's settings are in force when it is connected, whatever the HubSpot page says).
 */
async function saveCaps(h: Harness, pressure: Partial<SurveyPressureSettings>) {
  const fields: Record<string, string> = {
    contactMinDays: 'Contact_Min_Days__c',
    contactMaxSurveys: 'Contact_Max_Surveys__c',
    contactWindowDays: 'Contact_Window_Days__c',
    followUpDelayDays: 'Follow_Up_Delay_Days__c',
  };
  h.emulators.salesforce.org.replaceCustomMetadata('Survey_Pressure__mdt', [
    {
      DeveloperName: 'Default',
      Enabled__c: true,
      ...Object.fromEntries(Object.entries(pressure).map(([key, value]) => [fields[key], value])),
    },
  ]);
  // The HubSpot page's caps are not in force while Salesforce is connected.
  await h.server.store.setSetting(
    SETTINGS,
    serverSettingsSchema.parse({ rules: DEFAULT_THRESHOLD_RULES, pressure: { enabled: false } }),
    Date.now(),
  );
}

async function callbacksOf(h: Harness): Promise<{ id: string; answerId: string; crm: string }[]> {
  return (await h.api('GET', '/v1/callbacks?status=open')).body.callbacks as {
    id: string;
    answerId: string;
    crm: string;
  }[];
}

describe('survey pressure end to end', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('keeps an answer beyond the caps, flags it, and raises no callback for it', async () => {
    h = await startHarness();
    await saveCaps(h, { contactMinDays: 0, contactMaxSurveys: 2, contactWindowDays: 7 });
    const hours = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();
    for (const [id, at] of [
      ['cap-1', hours(30)],
      ['cap-2', hours(20)],
      ['cap-3', hours(10)],
    ] as const)
      expect(
        (await h.api('POST', '/v1/answers', answer({ id, score: 2, answeredAt: at }))).status,
      ).toBe(202);
    await waitFor(
      async () =>
        ((await h!.sf()).Survey_Response__c ?? []).length === 3 &&
        ((await h!.hs()).objects.boucle_survey_response ?? []).length === 3,
      20_000,
      'the three answers in both CRMs',
    );

    // Never dropped: the third answer is written to both CRMs like the others...
    const written = (await h.sf()).Survey_Response__c!.map((r) => r.External_Id__c);
    expect(written).toEqual(expect.arrayContaining(['api:cap-1', 'api:cap-2', 'api:cap-3']));
    // ...but only the first two raise a recovery callback (one each, written to both CRMs).
    const callbacks = await callbacksOf(h);
    expect(callbacks.map((c) => c.answerId).sort()).toEqual(['cap-1', 'cap-2']);
    const flagged = await h.api('GET', '/v1/answers?status=flagged');
    expect(flagged).toMatchObject({
      status: 200,
      body: {
        answers: [
          {
            answer: { id: 'cap-3', score: 2 },
            pressure: {
              flagged: true,
              reasons: [
                {
                  code: 'contact_cap_reached',
                  message: 'this contact already had 2 surveys in the last 7 days (cap 2)',
                },
              ],
            },
          },
        ],
      },
    });
  });

  it('surveys a detractor again after their callback is resolved, and measures the recovery', async () => {
    h = await startHarness();
    // The follow-up is due 30 days after the callback closes; the contact gap holds it 15 more.
    await saveCaps(h, { contactMinDays: 45, followUpDelayDays: 30 });
    await h.api('POST', '/v1/answers', answer({ id: 'det-1', score: 3 }));
    await waitFor(async () => (await callbacksOf(h!)).length === 1, 20_000, 'the callback');
    const callback = (await callbacksOf(h))[0]!;
    const path = `/v1/callbacks/${encodeURIComponent(callback.id)}`;
    expect((await h.api('PATCH', path, { status: 'reached' })).status).toBe(200);
    const resolved = await h.api('PATCH', path, {
      status: 'resolved',
      outcome: 'Avoir accordé',
      rootCause: 'Facturation',
    });
    expect(resolved.status).toBe(200);
    const closedAt = Date.parse(String(resolved.body.closedAt));

    const { surveys } = h.server;
    expect(await surveys.sweep(Date.now())).toEqual({ scheduled: 1, sent: 0 });
    // A second sweep, or the other CRM's callback, schedules no second follow-up.
    expect(await surveys.sweep(Date.now())).toEqual({ scheduled: 0, sent: 0 });
    const listed = await h.api('GET', '/v1/survey-requests?origin=follow-up');
    expect(listed.body.requests).toEqual([
      expect.objectContaining({
        status: 'scheduled',
        email: 'claire@acme.example',
        callbackId: callback.id,
        fromCategory: 'detractor',
        dueAt: new Date(closedAt + 30 * DAY_MS).toISOString(),
      }),
    ]);

    // Due after 30 days, but the detractor's answer is less than 45 days old: it waits.
    const day31 = Date.now() + 31 * DAY_MS;
    expect(await surveys.sweep(day31)).toEqual({ scheduled: 0, sent: 0 });
    const held = (await h.api('GET', '/v1/survey-requests?origin=follow-up')).body.requests as {
      status: string;
      dueAt: string;
      refusal: { code: string }[];
    }[];
    expect(held[0]).toMatchObject({
      status: 'scheduled',
      refusal: [{ code: 'contact_recently_surveyed' }],
    });
    const allowedAt = Date.parse(held[0]!.dueAt);
    expect(await surveys.sweep(allowedAt)).toEqual({ scheduled: 0, sent: 1 });
    const requested = (await h.api('GET', '/v1/survey-requests?status=requested')).body
      .requests as { id: string; origin: string; deliveryId: string }[];
    expect(requested).toEqual([
      expect.objectContaining({ origin: 'follow-up', deliveryId: expect.stringMatching(/^msg_/) }),
    ]);
    // No survey URL configured: the announcement is recorded, not sent.
    expect(await h.server.outbound.get(requested[0]!.deliveryId)).toMatchObject({
      type: 'survey.requested',
      status: 'skipped',
      data: expect.objectContaining({ origin: 'follow-up', callbackId: callback.id }),
    });

    // The answer to the follow-up (a promoter now) links to it: the detractor is recovered.
    await h.server.store.ingestAnswers(
      [
        {
          ...(answer({ id: 'det-1-again', score: 9 }) as unknown as Answer),
          source: 'api',
          metric: 'nps',
          answeredAt: new Date(allowedAt + 3_600_000).toISOString(),
        },
      ],
      ['salesforce', 'hubspot'],
      Date.now(),
    );
    h.server.engine.poke();
    await waitFor(
      async () =>
        (
          (await h!.api('GET', `/v1/survey-requests/${requested[0]!.id}`)).body as {
            status: string;
          }
        ).status === 'answered',
      20_000,
      'the follow-up answered',
    );
    expect((await h.api('GET', `/v1/survey-requests/${requested[0]!.id}`)).body).toMatchObject({
      answerRef: 'api:det-1-again',
      recovery: { from: 'detractor', to: 'promoter', score: 9, recovered: true },
    });
    expect((await h.api('GET', '/v1/survey-requests?origin=follow-up')).body.recovery).toEqual({
      scheduled: 1,
      answered: 1,
      recovered: 1,
      byOwner: [{ owner: h.ids.owner, answered: 1, recovered: 1 }],
    });
    // The follow-up's answer is not beyond the caps: it was asked for.
    expect((await h.api('GET', '/v1/answers?status=flagged')).body.answers).toEqual([]);
  });
});
