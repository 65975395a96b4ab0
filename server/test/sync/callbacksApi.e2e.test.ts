import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

describe.each(STORES)('callbacks through the API (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
    // A detractor's answer raises a recovery callback, written to both CRMs.
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'det-1', score: 3 })] });
    await waitFor(
      async () => ((await h.sf()).Callback__c ?? []).length > 0,
      20_000,
      'the callback in Salesforce',
    );
  });
  afterAll(() => h.close());

  it('logs a callback outcome, refusing moves the state machine forbids, and syncs it', async () => {
    const { body } = await h.api('GET', '/v1/callbacks?status=open');
    // One callback per answer and kind, whichever CRM raised it first: the one written to Salesforce.
    const callback = (
      body.callbacks as { id: string; kind: string; crms: { crm: string }[] }[]
    ).find((c) => c.kind === 'detractor_recovery' && c.crms.some((s) => s.crm === 'salesforce'));
    const refused = await h.api(
      'PATCH',
      `/v1/callbacks/${encodeURIComponent(callback?.id as string)}`,
      { status: 'resolved', outcome: 'x' },
    );
    expect(refused).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'invalid_transition',
          message: 'a callback cannot go from Open to Resolved',
        },
      },
    });
    const reached = await h.api(
      'PATCH',
      `/v1/callbacks/${encodeURIComponent(callback?.id as string)}`,
      { status: 'reached', outcome: 'Avoir accordé', rootCause: 'Facturation' },
    );
    expect(reached).toMatchObject({
      status: 200,
      body: { status: 'reached', slaStatus: 'met', outcome: 'Avoir accordé' },
    });
    await waitFor(
      async () =>
        (await h.sf()).Callback__c?.some(
          (c) => c.Status__c === 'Reached' && c.Root_Cause__c === 'Facturation',
        ) ?? false,
      10_000,
      'callback update',
    );
  });

  it('lists callbacks by any state of the state machine, `open` being every loop not closed', async () => {
    const open = (await h.api('GET', '/v1/callbacks?status=open')).body.callbacks as {
      status: string;
    }[];
    expect(open.map((c) => c.status)).toContain('reached');
    expect(open.every((c) => !['resolved', 'closed_no_contact'].includes(c.status))).toBe(true);
    for (const status of ['attempted', 'reached', 'resolved', 'escalated', 'closed_no_contact']) {
      const response = await h.api('GET', `/v1/callbacks?status=${status}`);
      expect(response.status).toBe(200);
      const listed = response.body.callbacks as { status: string }[];
      expect(listed.every((c) => c.status === status)).toBe(true);
      if (status === 'reached') expect(listed.length).toBeGreaterThan(0);
    }
  });
});
