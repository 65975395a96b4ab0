import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../store/postgres.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

/**
 * An employee rates their answer in Salesforce itself (npsResponseRating creates a
 * `Response_Rating__c` as that user, who may not write its link or dissonance). The sync reads
 * such ratings back, takes them in as ratings sent to the API, raises the same dissonance review,
 * and completes that very record with `Survey_Response__c` and `Dissonance__c`.
 */
describe.each(STORES)('ratings entered in Salesforce (%s store)', (_store, storeOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(await storeOptions());
    h.emulators.salesforce.org.assign(h.ids.owner, 'Boucle_User');
  });
  afterAll(() => h.close());

  const keyOf = (interactionId: string) => `salesforce:${interactionId}:${h.ids.owner}`;
  /** Paul rates his answer in the org, as the component does (his key, his user id). */
  function rateInOrg(interactionId: string, rating: number): string {
    const org = h.emulators.salesforce.org;
    const saved = org.runAs(h.ids.owner, () =>
      org.create('Response_Rating__c', {
        External_Id__c: keyOf(interactionId),
        Interaction_Id__c: interactionId,
        Employee__c: h.ids.owner,
        Rating__c: rating,
      }),
    );
    expect(saved).toMatchObject({ success: true });
    return (saved as { id: string }).id;
  }
  /** Employees may not edit their ratings (Boucle_User): an admin corrects one in the org. */
  function editInOrg(id: string, rating: number) {
    expect(
      h.emulators.salesforce.org.update('Response_Rating__c', id, { Rating__c: rating }),
    ).toMatchObject({ success: true });
  }
  const ratingRecords = async (interactionId: string) =>
    ((await h.sf()).Response_Rating__c ?? []).filter((r) => r.Interaction_Id__c === interactionId);
  async function answered(id: string, interactionId: string, score: number) {
    await h.api('POST', '/v1/answers', { answers: [answer({ id, score, interactionId })] });
    await waitFor(
      async () =>
        ((await h.sf()).Survey_Response__c ?? []).some((r) => r.External_Id__c === `api:${id}`),
      15_000,
      `answer ${id} in Salesforce`,
    );
  }

  it('refuses the computed fields to the employee who rates', () => {
    const org = h.emulators.salesforce.org;
    expect(() =>
      org.runAs(h.ids.owner, () =>
        org.create('Response_Rating__c', {
          External_Id__c: keyOf('case-forged'),
          Interaction_Id__c: 'case-forged',
          Employee__c: h.ids.owner,
          Rating__c: 5,
          Dissonance__c: 'Aligned',
        }),
      ),
    ).toThrow(/Dissonance__c/);
  });

  it('takes a dissonant rating in, completes its record and raises the review in both CRMs', async () => {
    await answered('rb-1', 'case-rb-1', 3);
    const recordId = rateInOrg('case-rb-1', 5);

    expect(await h.server.engine.readBackRatings()).toBe(1);

    const stored = await h.server.store.getRatings([keyOf('case-rb-1')]);
    expect(stored.get(keyOf('case-rb-1'))).toMatchObject({
      source: 'salesforce',
      interactionId: 'case-rb-1',
      employeeEmail: 'paul@vendor.example',
      rating: 5,
    });
    const answerRecord = ((await h.sf()).Survey_Response__c ?? []).find(
      (r) => r.External_Id__c === 'api:rb-1',
    );
    await waitFor(
      async () => (await ratingRecords('case-rb-1'))[0]?.Dissonance__c === 'Dissonance',
      15_000,
      'the rating record completed',
    );
    const records = await ratingRecords('case-rb-1');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      Id: recordId,
      Survey_Response__c: answerRecord?.Id,
      Rating__c: 5,
      Employee__c: h.ids.owner,
    });

    // The review goes where a review of an API rating goes: the manager in Salesforce, the
    // escalation owner the HubSpot settings page names in HubSpot.
    await waitFor(
      async () =>
        ((await h.sf()).Callback__c ?? []).some(
          (c) => c.Kind__c === 'Dissonance' && c.Survey_Response__c === answerRecord?.Id,
        ) &&
        ((await h.hs()).objects.tasks ?? []).some(
          (t) =>
            t.properties.boucle_callback_kind === 'dissonance' &&
            t.properties.boucle_external_id === `api:rb-1:dissonance`,
        ),
      15_000,
      'the dissonance review in both CRMs',
    );
    const review = ((await h.sf()).Callback__c ?? []).find(
      (c) => c.Kind__c === 'Dissonance' && c.Survey_Response__c === answerRecord?.Id,
    );
    expect(review).toMatchObject({ Assignee__c: h.ids.manager });
    const task = ((await h.hs()).objects.tasks ?? []).find(
      (t) => t.properties.boucle_external_id === 'api:rb-1:dissonance',
    );
    // Paul owns Acme and rated his own answer: his review is never his, and with no escalation
    // owner named on the HubSpot settings page it waits unassigned.
    expect(task?.properties.hubspot_owner_id ?? null).toBeNull();
    // Mirrored to HubSpot as the ratings of the API are.
    await waitFor(
      async () =>
        ((await h.hs()).objects.notes ?? []).some(
          (n) => n.properties.boucle_external_id === keyOf('case-rb-1'),
        ),
      15_000,
      'the rating in HubSpot',
    );

    // Boucle's own write changed the record: reading it again takes nothing new.
    expect(await h.server.engine.readBackRatings()).toBe(0);
    expect(await ratingRecords('case-rb-1')).toHaveLength(1);
  });

  it('links a rating whose answer arrives after it', async () => {
    rateInOrg('case-rb-late', 5);
    expect(await h.server.engine.readBackRatings()).toBe(1);
    await answered('rb-late', 'case-rb-late', 2);
    const answerRecord = ((await h.sf()).Survey_Response__c ?? []).find(
      (r) => r.External_Id__c === 'api:rb-late',
    );
    await waitFor(
      async () => (await ratingRecords('case-rb-late'))[0]?.Survey_Response__c === answerRecord?.Id,
      15_000,
      'the rating linked to its late answer',
    );
    expect((await ratingRecords('case-rb-late'))[0]?.Dissonance__c).toBe('Dissonance');
    expect(await ratingRecords('case-rb-late')).toHaveLength(1);
  });

  it('keeps a rating whose interaction never gets an answer unlinked, without retrying it', async () => {
    rateInOrg('case-rb-none', 4);
    expect(await h.server.engine.readBackRatings()).toBe(1);
    await waitFor(
      async () =>
        (await h.server.store.syncStates('salesforce', 'rating', [keyOf('case-rb-none')])).get(
          keyOf('case-rb-none'),
        )?.state === 'synced',
      15_000,
      'the unlinked rating synced',
    );
    const [record] = await ratingRecords('case-rb-none');
    expect(record?.Survey_Response__c ?? null).toBeNull();
    expect(record?.Dissonance__c ?? null).toBeNull();
    expect(await h.server.engine.readBackRatings()).toBe(0);
    expect(await ratingRecords('case-rb-none')).toHaveLength(1);
  });

  it('keeps the latest of a rating edited twice, with one review', async () => {
    await answered('rb-edit', 'case-rb-edit', 3);
    const id = rateInOrg('case-rb-edit', 5);
    await h.server.engine.readBackRatings();
    await waitFor(
      async () => (await ratingRecords('case-rb-edit'))[0]?.Dissonance__c === 'Dissonance',
      15_000,
      'the first rating completed',
    );
    editInOrg(id, 4);
    expect(await h.server.engine.readBackRatings()).toBe(1);
    editInOrg(id, 5);
    expect(await h.server.engine.readBackRatings()).toBe(1);

    expect(
      (await h.server.store.getRatings([keyOf('case-rb-edit')])).get(keyOf('case-rb-edit')),
    ).toMatchObject({ rating: 5 });
    await waitFor(
      async () =>
        (await h.server.store.syncStates('salesforce', 'rating', [keyOf('case-rb-edit')])).get(
          keyOf('case-rb-edit'),
        )?.state === 'synced',
      15_000,
      'the edited rating synced',
    );
    const records = await ratingRecords('case-rb-edit');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ Rating__c: 5, Dissonance__c: 'Dissonance' });
    // The review is written in a round after the rating's: wait for it, then count it.
    const reviews = async () =>
      (await h.sf()).Callback__c?.filter(
        (c) => c.Kind__c === 'Dissonance' && c.External_Id__c === 'api:rb-edit:dissonance',
      ) ?? [];
    await waitFor(async () => (await reviews()).length > 0, 15_000, 'the review in Salesforce');
    expect(await reviews()).toHaveLength(1);
  });

  it('reads the same ratings at the next sweep when Salesforce cannot be reached', async () => {
    rateInOrg('case-rb-down', 2);
    const faults = (rules: unknown[]) =>
      fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
    await faults([{ match: 'POST /services/data/v62.0/composite', status: 503 }]);
    try {
      expect(await h.server.engine.readBackRatings()).toBe(0);
    } finally {
      await faults([]);
    }
    expect((await h.server.store.getRatings([keyOf('case-rb-down')])).size).toBe(0);
    expect(await h.server.engine.readBackRatings()).toBe(1);
    expect((await h.server.store.getRatings([keyOf('case-rb-down')])).size).toBe(1);
  });
});
