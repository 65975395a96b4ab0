import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

type Row = Record<string, unknown>;

/**
 * Records a CRM refused for good become `Sync_Error__c` records in the org, where an admin sees
 * them (the Boucle app's "All open sync errors" list view) and asks for a replay by ticking
 * `Replay_Requested__c`. Real jsforce against the Salesforce emulator, as the integration user
 * holding Boucle Integration alone.
 */
describe('dead letters in Salesforce (Sync_Error__c)', () => {
  let h: Harness;
  let adminId: string;
  beforeAll(async () => {
    h = await startHarness();
    const org = h.emulators.salesforce.org;
    adminId = (
      org.create('User', {
        Username: 'admin@vendor.example',
        LastName: 'Admin',
        Email: 'admin@vendor.example',
      }) as { id: string }
    ).id;
    org.assign(adminId, 'Boucle_Admin');
  });
  afterAll(() => h.close());

  const faults = (rules: unknown[]) =>
    fetch(`${h.emulators.salesforceUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules }),
    });
  const writes = async (type: string): Promise<Record<string, number>> =>
    (
      (await (await fetch(`${h.emulators.salesforceUrl}/__emulator/writes`)).json()) as Record<
        string,
        Record<string, number>
      >
    )[type] ?? {};
  const syncErrors = async (key: string): Promise<Row[]> =>
    ((await h.sf()).Sync_Error__c ?? []).filter((r) => r.External_Id__c === key);
  const surveyResponse = async (externalId: string): Promise<Row | undefined> =>
    ((await h.sf()).Survey_Response__c ?? []).find((r) => r.External_Id__c === externalId);
  const KEY = 'salesforce:answer:api:se-bad-1';

  it('writes one Sync_Error__c per record the org refuses, with its error and Boucle id, however many sweeps', async () => {
    // A validation rule an admin added that this answer breaks (and only the answer's record).
    await faults([
      {
        match: 'composite',
        recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Touchpoint is mandatory for Acme',
        recordMatch: '"External_Id__c":"api:se-bad-',
      },
    ]);
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'se-bad-1', score: 3 })] });
    await waitFor(
      async () =>
        (await h.server.store.listDead(50)).some(
          (job) => job.crm === 'salesforce' && job.ref === 'api:se-bad-1',
        ),
      20_000,
      'the dead answer',
    );
    const job = (await h.server.store.listDead(50)).find((j) => j.ref === 'api:se-bad-1');

    await h.server.engine.sweepSyncErrors();
    await h.server.engine.sweepSyncErrors();
    await h.server.engine.sweepSyncErrors();

    const errors = await syncErrors(KEY);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      CRM__c: 'Salesforce',
      Job_Kind__c: 'Answer',
      Object__c: 'Survey_Response__c',
      Boucle_Ref__c: 'api:se-bad-1',
      Job_Id__c: job?.id,
      Error_Code__c: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      Status__c: 'Open',
      Replay_Requested__c: false,
      Record_Id__c: null,
    });
    expect(String(errors[0]?.Error_Message__c)).toContain('Touchpoint is mandatory for Acme');
    expect(errors[0]?.Attempts__c).toBe(job?.attempts);
    expect(errors[0]?.First_Failed_At__c).toBe(errors[0]?.Last_Failed_At__c);
    // Later sweeps found nothing new to say: the record was written once.
    expect((await writes('Sync_Error__c'))[String(errors[0]?.Id)]).toBe(1);
  });

  it('replays a record once when an admin ticks Replay Requested, then marks the error resolved', async () => {
    await faults([]); // the admin fixed the validation rule
    const org = h.emulators.salesforce.org;
    const [error] = await syncErrors(KEY);
    // The admin ticks the box in the org: Boucle Admin lets them edit that field.
    expect(
      org.runAs(adminId, () =>
        org.update('Sync_Error__c', error?.Id, { Replay_Requested__c: true }),
      ),
    ).toMatchObject({ success: true });

    expect(await h.server.engine.sweepSyncErrors()).toBe(1);
    expect((await syncErrors(KEY))[0]).toMatchObject({
      Status__c: 'Replayed',
      Replay_Requested__c: false,
    });
    await waitFor(
      async () => Boolean(await surveyResponse('api:se-bad-1')),
      20_000,
      'the replayed answer in Salesforce',
    );
    await waitFor(
      async () =>
        (await h.server.store.syncStates('salesforce', 'answer', ['api:se-bad-1'])).get(
          'api:se-bad-1',
        )?.state === 'synced',
      20_000,
      'the answer synced',
    );

    // Sweeps after the replay queue nothing again, and see the record written.
    expect(await h.server.engine.sweepSyncErrors()).toBe(0);
    expect(await h.server.engine.sweepSyncErrors()).toBe(0);
    const resolved = await syncErrors(KEY);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ Status__c: 'Resolved', Replay_Requested__c: false });
    expect(Date.parse(String(resolved[0]?.Resolved_At__c))).toBeGreaterThan(
      Date.parse(String(resolved[0]?.Last_Failed_At__c)),
    );
    const record = await surveyResponse('api:se-bad-1');
    expect((await writes('Survey_Response__c'))[String(record?.Id)]).toBe(1);
    expect((await h.server.store.listDead(50)).some((j) => j.ref === 'api:se-bad-1')).toBe(false);
  });

  it('marks an error replayed from the command line resolved once its record is written', async () => {
    await faults([
      {
        match: 'composite',
        recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Touchpoint is mandatory for Acme',
        recordMatch: '"External_Id__c":"api:se-cli-',
      },
    ]);
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'se-cli-1', score: 9 })] });
    const key = 'salesforce:answer:api:se-cli-1';
    const dead = async () =>
      (await h.server.store.listDead(50)).find(
        (job) => job.crm === 'salesforce' && job.ref === 'api:se-cli-1',
      );
    await waitFor(async () => Boolean(await dead()), 20_000, 'the dead answer');
    await h.server.engine.sweepSyncErrors();
    expect((await syncErrors(key))[0]).toMatchObject({ Status__c: 'Open' });

    await faults([]);
    expect(await h.server.store.replay([(await dead())!.id], Date.now())).toBe(1);
    h.server.engine.poke();
    await waitFor(
      async () => Boolean(await surveyResponse('api:se-cli-1')),
      20_000,
      'the replayed answer in Salesforce',
    );
    await waitFor(
      async () =>
        (await h.server.store.syncStates('salesforce', 'answer', ['api:se-cli-1'])).get(
          'api:se-cli-1',
        )?.state === 'synced',
      20_000,
      'the answer synced',
    );
    await h.server.engine.sweepSyncErrors();
    expect(await syncErrors(key)).toEqual([expect.objectContaining({ Status__c: 'Resolved' })]);
  });
});
