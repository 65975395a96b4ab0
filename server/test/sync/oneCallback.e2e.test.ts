import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmKey } from '../../src/crm/keys.ts';
import { linkOf, type StoredCallback } from '../../src/store/store.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * With both CRMs connected, an answer raises one callback per kind, not one per CRM: a Boucle id,
 * written as a Callback__c in Salesforce and as a task in HubSpot, each for that CRM's assignee.
 * An outcome logged in either CRM or through the API settles it everywhere, the other CRM's record
 * closed with a note saying where and by whom; conflicting edits converge on the furthest along.
 * Over HTTP, against both emulators, with the real jsforce and @hubspot/api-client.
 */
describe('one callback per answer and kind, whatever the number of CRMs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const callbackRecord = async (key: string) =>
    ((await h.sf()).Callback__c ?? []).filter((c) => c.External_Id__c === crmKey(key));
  const tasks = async (key: string) =>
    ((await h.hs()).objects.tasks ?? []).filter(
      (t) => t.properties.boucle_external_id === crmKey(key),
    );

  /** A detractor's answer, and its recovery callback once written to both CRMs. */
  async function detractor(id: string): Promise<StoredCallback> {
    await h.api('POST', '/v1/answers', { answers: [answer({ id, score: 2 })] });
    let found: StoredCallback | undefined;
    await waitFor(
      async () => {
        found = (await h.server.store.listCallbacks({ now: new Date().toISOString() })).find(
          (c) =>
            c.answerRef === `api:${id}` &&
            c.kind === 'detractor_recovery' &&
            linkOf(c, 'salesforce')?.crmId !== undefined &&
            linkOf(c, 'hubspot')?.crmId !== undefined,
        );
        return found !== undefined;
      },
      15_000,
      `the callback of ${id} in both CRMs`,
    );
    return found as StoredCallback;
  }

  async function makeLate(callback: StoredCallback) {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    await h.server.store.updateCallback(callback.id, (current) => ({
      ...current,
      dueAt: past,
      escalateAt: past,
    }));
  }

  it('raises one callback per answer and kind, written to Salesforce and HubSpot for each one’s assignee', async () => {
    const callback = await detractor('one-1');

    expect(callback.id).toBe('api:one-1:detractor_recovery');
    const stored = (await h.server.store.listCallbacks({ now: new Date().toISOString() })).filter(
      (c) => c.answerRef === 'api:one-1',
    );
    expect(stored.map((c) => c.kind)).toEqual(['detractor_recovery']);
    const listed = (
      (await h.api('GET', '/v1/callbacks?status=open')).body.callbacks as {
        id: string;
        answerId: string;
        crms: { crm: string; crmId?: string; assignee?: string }[];
      }[]
    ).filter((c) => c.answerId === 'one-1');
    expect(listed).toHaveLength(1);
    const [inSalesforce] = await callbackRecord(callback.id);
    const [task] = await tasks(callback.id);
    expect(await callbackRecord(callback.id)).toHaveLength(1);
    expect(await tasks(callback.id)).toHaveLength(1);
    expect(inSalesforce).toMatchObject({ Assignee__c: h.ids.owner, Status__c: 'Open' });
    expect(task?.properties).toMatchObject({
      hubspot_owner_id: h.ids.hubspotOwner,
      hs_task_status: 'NOT_STARTED',
    });
    expect(listed[0]?.crms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          crm: 'salesforce',
          crmId: inSalesforce?.Id,
          assignee: h.ids.owner,
        }),
        expect.objectContaining({ crm: 'hubspot', crmId: task?.id, assignee: h.ids.hubspotOwner }),
      ]),
    );
  });

  it('takes a task completed in HubSpot into Boucle, closes it in Salesforce with a note, and never reopens it', async () => {
    const callback = await detractor('one-hs');
    const taskId = linkOf(callback, 'hubspot')?.crmId as string;
    h.emulators.hubspot.portal.update('tasks', taskId, {
      hs_task_status: 'COMPLETED',
      hs_task_body: '<p>Called Claire back, credit note sent</p>',
    });
    await makeLate(callback);

    await h.server.engine.sweepEscalations();

    const after = await h.server.store.getCallback(callback.id);
    expect(after).toMatchObject({
      status: 'resolved',
      notes: 'Called Claire back, credit note sent',
      loggedIn: { via: 'hubspot', by: 'paul@vendor.example' },
    });
    expect(after?.reachedAt).toBeDefined();
    expect(after?.escalatedAt).toBeUndefined();
    await waitFor(
      async () => (await callbackRecord(callback.id))[0]?.Status__c === 'Resolved',
      10_000,
      'the Callback__c closed',
    );
    const [record] = await callbackRecord(callback.id);
    expect(record?.Notes__c).toContain('Called Claire back, credit note sent');
    // By the task's owner (Paul, owner 501), by e-mail.
    expect(record?.Notes__c).toContain('Logged in HubSpot by paul@vendor.example');
    expect(record?.Notes__c).toContain('Consigné dans HubSpot');

    // Later sweeps and writes leave it closed in both CRMs.
    await h.server.engine.sweepEscalations();
    await detractor('one-hs-after');
    expect((await h.server.store.getCallback(callback.id))?.status).toBe('resolved');
    expect((await tasks(callback.id))[0]?.properties.hs_task_status).toBe('COMPLETED');
    expect((await callbackRecord(callback.id))[0]?.Status__c).toBe('Resolved');
  });

  it('closes the HubSpot task of an outcome logged through the API, saying so', async () => {
    const callback = await detractor('one-api');
    const path = `/v1/callbacks/${encodeURIComponent(callback.id)}`;
    expect((await h.api('PATCH', path, { status: 'reached', outcome: 'Avoir' })).status).toBe(200);
    expect((await h.api('PATCH', path, { status: 'resolved' })).status).toBe(200);

    await waitFor(
      async () => (await tasks(callback.id))[0]?.properties.hs_task_status === 'COMPLETED',
      10_000,
      'the HubSpot task completed',
    );
    const [task] = await tasks(callback.id);
    expect(task?.properties.hs_task_body).toContain("Logged through Boucle's API");
    expect(task?.properties.boucle_outcome).toBe('Avoir');
    await waitFor(
      async () => (await callbackRecord(callback.id))[0]?.Status__c === 'Resolved',
      10_000,
      'the Callback__c resolved',
    );
  });

  it('closes the HubSpot task of an outcome a manager logged in Salesforce, naming them', async () => {
    const callback = await detractor('one-sf');
    const org = h.emulators.salesforce.org;
    const reachedAt = new Date(Date.now() - 600_000).toISOString();
    org.runAs(h.ids.manager, () =>
      org.update('Callback__c', linkOf(callback, 'salesforce')?.crmId as string, {
        Status__c: 'Resolved',
        Reached_At__c: reachedAt,
        Outcome__c: 'Geste commercial',
      }),
    );

    await h.server.engine.sweepEscalations();

    expect(await h.server.store.getCallback(callback.id)).toMatchObject({
      status: 'resolved',
      reachedAt,
      outcome: 'Geste commercial',
      loggedIn: { via: 'salesforce', by: 'Lefèvre' },
    });
    await waitFor(
      async () => (await tasks(callback.id))[0]?.properties.hs_task_status === 'COMPLETED',
      10_000,
      'the HubSpot task completed',
    );
    expect((await tasks(callback.id))[0]?.properties.hs_task_body).toContain(
      'Logged in Salesforce by Lefèvre',
    );
  });

  it('converges conflicting edits on the furthest along in both CRMs: attempted in Salesforce, resolved in HubSpot', async () => {
    const callback = await detractor('one-conflict');
    const org = h.emulators.salesforce.org;
    org.update('Callback__c', linkOf(callback, 'salesforce')?.crmId as string, {
      Status__c: 'Attempted',
    });
    h.emulators.hubspot.portal.update('tasks', linkOf(callback, 'hubspot')?.crmId as string, {
      hs_task_status: 'COMPLETED',
    });

    await h.server.engine.sweepEscalations();

    expect((await h.server.store.getCallback(callback.id))?.status).toBe('resolved');
    await waitFor(
      async () => (await callbackRecord(callback.id))[0]?.Status__c === 'Resolved',
      10_000,
      'Salesforce converged on resolved',
    );
    expect((await tasks(callback.id))[0]?.properties.hs_task_status).toBe('COMPLETED');
    // Never backwards: what Salesforce said before (attempted) does not come back.
    await h.server.engine.sweepEscalations();
    expect((await h.server.store.getCallback(callback.id))?.status).toBe('resolved');
  });

  it('counts the one callback alike on both cards, also once it is closed in one CRM', async () => {
    const callback = await detractor('one-count');
    const counts = async () => {
      const account = ((await h.sf()).Account ?? []).find((a) => a.Id === h.ids.account);
      const company = ((await h.hs()).objects.companies ?? []).find((c) => c.id === h.ids.company);
      const open = (
        await h.server.store.listCallbacks({
          accountKey: 'acme.example',
          now: new Date().toISOString(),
        })
      ).length;
      return {
        open,
        salesforce: Number(account?.Open_Callbacks__c),
        hubspot: Number(company?.properties.boucle_open_callbacks),
      };
    };
    const agree = async () => {
      const { open, salesforce, hubspot } = await counts();
      return salesforce === open && hubspot === open;
    };
    await waitFor(agree, 10_000, 'both cards counting the open callbacks');
    const before = (await counts()).open;
    h.emulators.hubspot.portal.update('tasks', linkOf(callback, 'hubspot')?.crmId as string, {
      hs_task_status: 'COMPLETED',
    });

    await h.server.engine.sweepEscalations();

    await waitFor(
      async () => (await counts()).open === before - 1 && (await agree()),
      10_000,
      'both cards counting one callback less',
    );
  });
});
