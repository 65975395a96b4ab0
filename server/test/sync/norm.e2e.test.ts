import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceAdapter } from '../../src/crm/salesforce/adapter.ts';
import { NORM_RESULT_KEY } from '../../src/crm/adapter.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

describe('the org-wide norm in Salesforce (SQLite store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(() => h.close());

  it('upserts NPS_Norm__c "org" from every answer of the last 90 days, in the rollup round', async () => {
    const answers = [
      answer({ id: 'n-pro-1', score: 10 }),
      answer({ id: 'n-pro-2', score: 9, answeredAt: daysAgo(30) }),
      answer({ id: 'n-pro-3', score: 9, answeredAt: daysAgo(89) }),
      answer({ id: 'n-pas-1', score: 7, answeredAt: daysAgo(10) }),
      answer({ id: 'n-det-1', score: 2, answeredAt: daysAgo(5) }),
      // Outside the window, and another metric: neither counts.
      answer({ id: 'n-old-1', score: 0, answeredAt: daysAgo(120) }),
      answer({ id: 'n-csat-1', metric: 'csat', score: 1 }),
    ];
    expect((await h.api('POST', '/v1/answers', { answers })).status).toBe(202);

    await waitFor(
      async () => (await h.sf()).NPS_Norm__c?.[0]?.Responses__c === 5,
      20_000,
      'the NPS_Norm__c record',
    );
    const norms = (await h.sf()).NPS_Norm__c ?? [];
    expect(norms).toHaveLength(1);
    // By hand: 3 promoters, 1 passive, 1 detractor of 5: NPS (3 − 1) / 5 = 40; margin
    // 1.96 × √((0.6 + 0.2 − 0.4²) / 5) × 100 = 70.1 (one decimal, as the field holds it).
    const p = 3 / 5;
    const d = 1 / 5;
    const margin = Math.round(1.96 * Math.sqrt((p + d - (p - d) ** 2) / 5) * 1000) / 10;
    expect(norms[0]).toMatchObject({
      External_Id__c: 'org',
      Scope__c: 'Org',
      NPS__c: 40,
      Margin__c: margin,
      Responses__c: 5,
      Window_Days__c: 90,
    });
    expect(Date.parse(String(norms[0]?.Updated_At__c))).toBeGreaterThan(Date.now() - DAY_MS);

    // A later round updates the same record, never a second one.
    const more = [answer({ id: 'n-det-2', score: 0 })];
    expect((await h.api('POST', '/v1/answers', { answers: more })).status).toBe(202);
    await waitFor(
      async () => (await h.sf()).NPS_Norm__c?.[0]?.Responses__c === 6,
      20_000,
      'the updated NPS_Norm__c record',
    );
    const updated = (await h.sf()).NPS_Norm__c ?? [];
    expect(updated).toHaveLength(1);
    // 3 promoters, 2 detractors of 6: (3 − 2) / 6 = 16.7.
    expect(updated[0]).toMatchObject({ NPS__c: 16.7, Responses__c: 6 });
  });

  it("writes the norm as one more collection of the rollups' Composite call, not a call of its own", async () => {
    const calls = async () =>
      (
        (await (await fetch(`${h.emulators.salesforceUrl}/__emulator/calls`)).json()) as {
          byEndpoint: Record<string, number>;
        }
      ).byEndpoint;
    const adapter = new SalesforceAdapter(h.config.salesforce!);
    await adapter.check(); // logs in first, so that only the write is counted
    const before = await calls();
    const now = new Date().toISOString();
    const results = await adapter.writeRollups(
      [
        {
          accountId: h.ids.account,
          summary: { overall: { nps: 12, margin: 30, n: 9 } } as never,
          openCallbacks: 0,
          now,
          respondents: [],
        },
      ],
      { id: 'org', scope: 'org', nps: -12.34, margin: 8.06, responses: 321, windowDays: 90, now },
    );
    expect(results.get(h.ids.account)?.ok).toBe(true);
    expect(results.get(NORM_RESULT_KEY)?.ok).toBe(true);
    const after = await calls();
    const added = Object.fromEntries(
      Object.entries(after)
        .map(([endpoint, n]) => [endpoint, n - (before[endpoint] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    expect(added).toEqual({ 'POST /services/data/vXX.X/composite': 1 });
    const norms = (await h.sf()).NPS_Norm__c ?? [];
    expect(norms).toHaveLength(1);
    expect(norms[0]).toMatchObject({ NPS__c: -12.3, Margin__c: 8.1, Responses__c: 321 });
  });
});
