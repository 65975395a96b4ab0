import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from '../sync/harness.ts';

type Step = { key: string; kind: string; labelEn: string; n: number; status?: { nps: string } };

describe('the journey over the API (GET /v1/touchpoints, the account summary)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.api('POST', '/v1/answers', {
      answers: [
        answer({ id: 'j-1', touchpoint: 'Après-vente' }),
        answer({ id: 'j-2', touchpoint: 'apres vente' }),
        answer({ id: 'j-3', touchpoint: 'after-sale' }),
        answer({ id: 'j-4', touchpoint: 'Onboarding' }),
        answer({ id: 'j-5', touchpoint: 'onboarding', score: 3 }),
        answer({ id: 'j-6', touchpoint: 'Contractualisation' }),
      ],
    });
  });
  afterAll(() => h.close());

  it('gives the configured journey: keys, labels, order and targets, in journey order', async () => {
    const { status, body } = await h.api('GET', '/v1/touchpoints');
    expect(status).toBe(200);
    expect(body).toEqual({
      crm: 'salesforce',
      touchpoints: [
        expect.objectContaining({
          key: 'pre-sale',
          labelFr: 'Avant-vente',
          order: 1,
          targetNps: 40,
        }),
        expect.objectContaining({ key: 'contracting', order: 2, targetNps: 30 }),
        expect.objectContaining({
          key: 'after-sale',
          labelEn: 'After-sale',
          labelFr: 'Après-vente',
          journey: 'b2b',
          order: 3,
          targetNps: 20,
          targetCsat: 80,
        }),
      ],
      advice: [],
    });
  });

  it('lists the touchpoints answers used that match none, with their counts', async () => {
    const { body } = await h.api('GET', '/v1/touchpoints?unknown=true');
    expect(body).toEqual({
      crm: 'salesforce',
      unknown: [{ label: 'Onboarding', variants: ['Onboarding', 'onboarding'], answers: 2 }],
    });
  });

  it('groups every spelling under its touchpoint on the summary, and keeps unknown ones apart', async () => {
    const { body } = await h.api('GET', '/v1/accounts/acme.example/summary');
    const journey = body.journey as Step[];
    expect(journey.map((s) => [s.key, s.kind, s.n])).toEqual([
      ['pre-sale', 'configured', 0],
      ['contracting', 'configured', 1],
      ['after-sale', 'configured', 3],
      ['onboarding', 'unknown', 2],
    ]);
    expect(journey[3]).toMatchObject({ labelEn: 'Onboarding' });
    expect(journey[3]?.status).toBeUndefined();
  });

  it('writes each answer with its touchpoint as sent, never dropping an unknown one', async () => {
    await waitFor(
      async () => ((await h.sf()).Survey_Response__c ?? []).length >= 6,
      10_000,
      'the answers in Salesforce',
    );
    const written = (await h.sf()).Survey_Response__c as {
      External_Id__c: string;
      Touchpoint__c: string;
    }[];
    expect(written.find((r) => r.External_Id__c === 'api:j-2')?.Touchpoint__c).toBe('apres vente');
    expect(written.find((r) => r.External_Id__c === 'api:j-5')?.Touchpoint__c).toBe('onboarding');
  });

  it('refuses a bad query, naming the parameter', async () => {
    expect(await h.api('GET', '/v1/touchpoints?unknown=yes')).toMatchObject({
      status: 400,
      body: { error: { issues: [{ path: 'unknown', message: 'must be true or false' }] } },
    });
    expect(await h.api('GET', '/v1/touchpoints?crm=zendesk')).toMatchObject({
      status: 400,
      body: { error: { issues: [{ path: 'crm' }] } },
    });
  });

  it('is described in /openapi.json', async () => {
    const doc = (await (await fetch(`${h.server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.paths['/v1/touchpoints']).toBeDefined();
    expect(doc.components.schemas.Touchpoint).toMatchObject({
      properties: { key: expect.any(Object), targetNps: expect.any(Object) },
    });
  });
});
