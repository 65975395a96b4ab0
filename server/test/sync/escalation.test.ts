import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';
import pino from 'pino';
import { linkOf, type StoredCallback } from '../../src/store/store.ts';
import type { CrmAdapter } from '../../src/crm/adapter.ts';
import { SyncEngine } from '../../src/loop/engine.ts';

/**
 * Late callbacks escalate to the owner's manager, once. Managers may log a callback in Salesforce
 * itself (the npsCallbackLogger component): the sweep reads those back first, so a callback they
 * reached is never escalated and its record never overwritten.
 */
describe('escalating late callbacks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const salesforceCallbacks = async () =>
    (await h.sf()).Callback__c?.filter((c) => c.Kind__c === 'Detractor recovery') ?? [];

  /** Moves a callback's due and escalation times an hour into the past. */
  async function makeLate(callback: StoredCallback) {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    await h.server.store.updateCallback(callback.id, (current) => ({
      ...current,
      dueAt: past,
      escalateAt: past,
    }));
  }

  async function storedSalesforceCallbacks() {
    const all = await h.server.store.listCallbacks({
      status: 'open',
      now: new Date().toISOString(),
    });
    return all.filter((c) => linkOf(c, 'salesforce') && c.kind === 'detractor_recovery');
  }

  it('escalates the late callbacks nobody logged, and keeps what a manager logged in Salesforce', async () => {
    await h.api('POST', '/v1/answers', {
      answers: [answer({ id: 'late-1', score: 2 }), answer({ id: 'late-2', score: 1 })],
    });
    await waitFor(async () => (await salesforceCallbacks()).length === 2, 15_000, 'callbacks');
    const stored = await storedSalesforceCallbacks();
    await waitFor(
      async () => (await storedSalesforceCallbacks()).every((c) => linkOf(c, 'salesforce')?.crmId),
      10_000,
      'callback CRM ids',
    );
    const [logged, forgotten] = await storedSalesforceCallbacks();
    expect(stored).toHaveLength(2);

    // The manager reaches the first customer and logs it on the Callback page in Salesforce.
    const reachedAt = new Date(Date.now() - 1_800_000).toISOString();
    h.emulators.salesforce.org.update(
      'Callback__c',
      linkOf(logged as StoredCallback, 'salesforce')?.crmId,
      {
        Status__c: 'Reached',
        Reached_At__c: reachedAt,
        Outcome__c: 'Avoir accordé',
        Root_Cause__c: 'Facturation',
      },
    );
    await makeLate(logged as StoredCallback);
    await makeLate(forgotten as StoredCallback);

    await h.server.engine.sweepEscalations();

    const afterLogged = await h.server.store.getCallback(logged?.id as string);
    const afterForgotten = await h.server.store.getCallback(forgotten?.id as string);
    expect(afterLogged).toMatchObject({
      status: 'reached',
      reachedAt,
      outcome: 'Avoir accordé',
      rootCause: 'Facturation',
    });
    expect(afterLogged?.escalatedAt).toBeUndefined();
    expect(afterForgotten).toMatchObject({ status: 'escalated' });
    expect(linkOf(afterForgotten as StoredCallback, 'salesforce')?.assignee).toBe(h.ids.manager);

    await waitFor(
      async () =>
        (await salesforceCallbacks()).some(
          (c) => c.External_Id__c === forgotten?.id && c.Status__c === 'Escalated',
        ),
      10_000,
      'escalation written to Salesforce',
    );
    const inSalesforce = (await salesforceCallbacks()).find((c) => c.External_Id__c === logged?.id);
    expect(inSalesforce).toMatchObject({ Status__c: 'Reached', Outcome__c: 'Avoir accordé' });

    // Escalation happens once.
    const again = await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(forgotten?.id as string))?.escalatedAt).toBe(
      afterForgotten?.escalatedAt,
    );
    expect(again).toBe(0);
  });

  it('escalates nothing in Salesforce while it cannot read the callbacks back', async () => {
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'late-3', score: 0 })] });
    await waitFor(async () => (await salesforceCallbacks()).length === 3, 15_000, 'callback');
    await waitFor(
      async () => (await storedSalesforceCallbacks()).every((c) => linkOf(c, 'salesforce')?.crmId),
      10_000,
      'callback CRM id',
    );
    const pending = (await storedSalesforceCallbacks()).find((c) =>
      c.answerRef.endsWith(':late-3'),
    ) as StoredCallback;
    await makeLate(pending);
    await fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ match: 'composite', status: 503 }] }),
    });
    try {
      await h.server.engine.sweepEscalations();
      expect((await h.server.store.getCallback(pending.id))?.status).toBe('open');
    } finally {
      await fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, { method: 'DELETE' });
    }
    await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(pending.id))?.status).toBe('escalated');
  });

  it('takes in a callback a manager resolved in Salesforce, for loop closure, before it is late', async () => {
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'early-1', score: 2 })] });
    await waitFor(async () => (await salesforceCallbacks()).length === 4, 15_000, 'callback');
    await waitFor(
      async () => (await storedSalesforceCallbacks()).every((c) => linkOf(c, 'salesforce')?.crmId),
      10_000,
      'callback CRM id',
    );
    const early = (await storedSalesforceCallbacks()).find((c) =>
      c.answerRef.endsWith(':early-1'),
    ) as StoredCallback;
    h.emulators.salesforce.org.update('Callback__c', linkOf(early, 'salesforce')?.crmId, {
      Status__c: 'Resolved',
      Reached_At__c: new Date().toISOString(),
      Outcome__c: 'Geste commercial',
    });
    await h.server.engine.sweepEscalations();
    expect(await h.server.store.getCallback(early.id)).toMatchObject({
      status: 'resolved',
      outcome: 'Geste commercial',
      closedAt: expect.any(String),
    });
  });

  it('never undoes an escalation Salesforce has not received yet', async () => {
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'late-4', score: 1 })] });
    await waitFor(async () => (await salesforceCallbacks()).length === 5, 15_000, 'callback');
    await waitFor(
      async () => (await storedSalesforceCallbacks()).every((c) => linkOf(c, 'salesforce')?.crmId),
      10_000,
      'callback CRM id',
    );
    const pending = (await storedSalesforceCallbacks()).find((c) =>
      c.answerRef.endsWith(':late-4'),
    ) as StoredCallback;
    const escalatedAt = new Date().toISOString();
    // Escalated in the store; its update to Salesforce (still Open there) has not run yet.
    await h.server.store.updateCallback(pending.id, (current) => ({
      ...current,
      status: 'escalated',
      escalatedAt,
    }));
    await h.server.engine.sweepEscalations();
    expect(await h.server.store.getCallback(pending.id)).toMatchObject({
      status: 'escalated',
      escalatedAt,
    });
  });

  it('takes an attempt logged in Salesforce as a first contact when the sweep sees it, not when the callback was raised', async () => {
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'attempt-1', score: 3 })] });
    await waitFor(async () => (await salesforceCallbacks()).length === 6, 15_000, 'callback');
    await waitFor(
      async () => (await storedSalesforceCallbacks()).every((c) => linkOf(c, 'salesforce')?.crmId),
      10_000,
      'callback CRM id',
    );
    const attempted = (await storedSalesforceCallbacks()).find((c) =>
      c.answerRef.endsWith(':attempt-1'),
    ) as StoredCallback;
    h.emulators.salesforce.org.update('Callback__c', linkOf(attempted, 'salesforce')?.crmId, {
      Status__c: 'Attempted',
    });
    const sweptFrom = Date.now();
    await h.server.engine.sweepEscalations();
    const after = await h.server.store.getCallback(attempted.id);
    expect(after?.status).toBe('attempted');
    expect(Date.parse(after?.firstContactAt as string)).toBeGreaterThanOrEqual(sweptFrom);
  });

  it('keeps a manager update that lands while the sweep waits for the Salesforce read-back', async () => {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const id = 'salesforce:api:race-1:dissonance';
    await h.server.store.createCallbacks(
      [
        {
          id,
          crm: 'salesforce',
          answerRef: 'api:race-1',
          answerId: 'race-1',
          kind: 'dissonance',
          status: 'open',
          slaHours: 24,
          createdAt: past,
          dueAt: past,
          escalateAt: past,
          links: [
            { crm: 'salesforce', key: id, crmId: 'a0C000000000001AAA', escalateTo: h.ids.manager },
          ],
        },
      ],
      Date.now(),
    );
    // The read-back is where the sweep waits: the manager's PATCH lands exactly then.
    const patched: number[] = [];
    const salesforce = {
      crm: 'salesforce',
      readCallbacks: async () => {
        patched.push(
          (
            await h.api('PATCH', `/v1/callbacks/${encodeURIComponent(id)}`, {
              status: 'reached',
              notes: 'Joint pendant le balayage',
            })
          ).status,
        );
        return new Map();
      },
    } as unknown as CrmAdapter;
    const sweeper = new SyncEngine({
      store: h.server.store,
      adapters: [salesforce],
      logger: pino({ level: 'silent' }),
    });
    expect(await sweeper.sweepEscalations()).toBe(0);
    expect(patched).toEqual([200]);
    const after = await h.server.store.getCallback(id);
    expect(after).toMatchObject({ status: 'reached', notes: 'Joint pendant le balayage' });
    expect(after?.reachedAt).toBeDefined();
    expect(after?.escalatedAt).toBeUndefined();
  });
});
