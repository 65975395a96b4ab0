import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../sync/harness.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url));

/** SurveyMonkey's and Qualtrics' APIs, failing the first two calls of each response. */
async function vendorApis() {
  const calls: string[] = [];
  const failures = new Map<string, number>();
  const app = express();
  const flaky = (key: string, res: express.Response) => {
    const seen = failures.get(key) ?? 0;
    failures.set(key, seen + 1);
    if (seen < 2) {
      res.status(503).json({ error: 'temporarily unavailable' });
      return true;
    }
    return false;
  };
  app.use((req, _res, next) => {
    calls.push(
      `${req.method} ${req.path} ${req.get('authorization') ?? req.get('x-api-token') ?? ''}`,
    );
    next();
  });
  app.get('/v3/surveys/512345678/details', (_req, res) => {
    res.json({
      pages: [
        {
          questions: [
            {
              id: '40000001',
              family: 'matrix',
              answers: {
                choices: Array.from({ length: 11 }, (_, i) => ({
                  id: String(50000000 + i),
                  text: String(i),
                  position: i + 1,
                })),
              },
            },
            { id: '40000002', family: 'open_ended' },
            {
              id: '40000003',
              family: 'single_choice',
              answers: { choices: [{ id: '50000020', text: 'Delivery' }] },
            },
          ],
        },
      ],
    });
  });
  app.get('/v3/surveys/512345678/responses/114123456789/details', (_req, res) => {
    if (flaky('sm', res)) return;
    res.type('json').send(fixture('surveymonkey-response-details.json'));
  });
  app.get('/API/v3/surveys/SV_0Ab1Cd2Ef3Gh4Ij/responses/R_1a2B3c4D5e6F7g8', (_req, res) => {
    if (flaky('q', res)) return;
    res.json({
      result: {
        responseId: 'R_1a2B3c4D5e6F7g8',
        values: {
          QID1: 9,
          QID2_TEXT: 'Très bon suivi',
          recipientEmail: 'pat.customer@example.com',
          endDate: '2026-05-04T09:14:37Z',
          touchpoint: 'after-sale',
        },
      },
    });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('SurveyMonkey and Qualtrics webhooks', () => {
  let h: Harness;
  let vendors: Awaited<ReturnType<typeof vendorApis>>;
  beforeAll(async () => {
    vendors = await vendorApis();
    h = await startHarness({
      webhooks: {
        surveymonkey: {
          credentials: [{ clientId: 'sm_client_id', clientSecret: 'sm_client_secret' }],
          accessToken: 'sm-token',
          apiUrl: vendors.url,
        },
        qualtrics: { tokens: ['q-token-0123456789'], apiToken: 'q-api', apiUrl: vendors.url },
        ratePerMinute: 10_000,
      },
    });
    h.emulators.salesforce.org.create(
      'Account',
      { Name: 'Fixture Co', Website: 'fixture.example' },
      '001XX0000067890AAA',
    );
    h.emulators.salesforce.org.create('Contact', {
      LastName: 'Customer',
      Email: 'pat.customer@example.com',
    });
  });
  afterAll(async () => {
    await h.close();
    await vendors.close();
  });

  it('fetches the announced SurveyMonkey response through the queue, past two failures, into the CRM', async () => {
    const body = fixture('surveymonkey-response_completed.raw-body.json');
    const headers = {
      'sm-apikey': 'sm_client_id',
      'sm-signature': 'H9WxshrLAnCEDVmbZiB9aG4amiU=',
      'content-type': 'application/json',
    };
    const first = await fetch(`${h.server.url}/webhooks/surveymonkey`, {
      method: 'POST',
      headers,
      body,
    });
    expect([first.status, await first.json()]).toEqual([202, { queued: 1 }]);
    const results = await Promise.all(
      Array.from({ length: 4 }, async () =>
        (
          await fetch(`${h.server.url}/webhooks/surveymonkey`, { method: 'POST', headers, body })
        ).json(),
      ),
    );
    expect(results).toEqual(Array.from({ length: 4 }, () => ({ duplicate: true })));
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).some((r) => r.Source__c === 'surveymonkey'),
      15_000,
      'the SurveyMonkey answer in Salesforce',
    );
    const record = (await h.sf()).Survey_Response__c?.find((r) => r.Source__c === 'surveymonkey');
    expect(record).toMatchObject({
      External_Id__c: 'surveymonkey:114123456789',
      Score__c: 4,
      Comment__c: 'Waited 40 minutes and nobody explained the delay.',
    });
    expect(String(record?.Account__c).slice(0, 15)).toBe('001XX0000067890');
    expect(vendors.calls.filter((c) => c.includes('/responses/114123456789'))).toHaveLength(3);
    expect(vendors.calls.every((c) => !c.includes('/v3/') || c.endsWith('Bearer sm-token'))).toBe(
      true,
    );
  });

  it('refuses a forged SurveyMonkey delivery and ignores other events', async () => {
    const body = fixture('surveymonkey-response_completed.raw-body.json');
    const forged = await fetch(`${h.server.url}/webhooks/surveymonkey`, {
      method: 'POST',
      headers: { 'sm-apikey': 'sm_client_id', 'sm-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      body,
    });
    expect(forged.status).toBe(401);
  });

  it.each([['..'], ['12/../../v3/users/me'], ['5123:45678']])(
    'refuses a signed SurveyMonkey delivery whose survey id is %s, naming the field',
    async (surveyId) => {
      const event = JSON.parse(
        fixture('surveymonkey-response_completed.raw-body.json').toString('utf8'),
      ) as { resources: Record<string, unknown> };
      event.resources.survey_id = surveyId;
      const body = Buffer.from(JSON.stringify(event));
      const signature = createHmac('sha1', 'sm_client_id&sm_client_secret')
        .update(body)
        .digest('base64');
      const response = await fetch(`${h.server.url}/webhooks/surveymonkey`, {
        method: 'POST',
        headers: { 'sm-apikey': 'sm_client_id', 'sm-signature': signature },
        body,
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { issues: { path: string }[] } };
      expect(error.issues.map((i) => i.path)).toEqual(['resources.survey_id']);
    },
  );

  it('fetches the Qualtrics response announced by a form-encoded notification with the URL token', async () => {
    const body = fixture('qualtrics-completedResponse.form-urlencoded.txt');
    const url = `${h.server.url}/webhooks/qualtrics?token=q-token-0123456789`;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect((await post()).status).toBe(202);
    expect(await (await post()).json()).toEqual({ duplicate: true });
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).some((r) => r.Source__c === 'qualtrics'),
      15_000,
      'the Qualtrics answer in Salesforce',
    );
    expect(
      (await h.sf()).Survey_Response__c?.find((r) => r.Source__c === 'qualtrics'),
    ).toMatchObject({
      External_Id__c: 'qualtrics:R_1a2B3c4D5e6F7g8',
      Score__c: 9,
      Comment__c: 'Très bon suivi',
      Touchpoint__c: 'after-sale',
    });
    expect(
      vendors.calls.some(
        (c) => c.includes('/API/v3/surveys/SV_0Ab1Cd2Ef3Gh4Ij') && c.endsWith('q-api'),
      ),
    ).toBe(true);
  });

  it.each([
    ['no token', '', 'SurveyID=SV_1&ResponseID=R_1', 401],
    ['a wrong token', '?token=nope', 'SurveyID=SV_1&ResponseID=R_1', 401],
    ['a notification without ids', '?token=q-token-0123456789', 'Topic=x', 400],
  ])('refuses a Qualtrics notification with %s', async (_label, query, body, status) => {
    const response = await fetch(`${h.server.url}/webhooks/qualtrics${query}`, {
      method: 'POST',
      body,
    });
    expect(response.status).toBe(status);
  });
});
