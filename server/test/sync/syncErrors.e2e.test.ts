import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceAdapter } from '../../src/crm/salesforce/adapter.ts';
import { answer, startHarness, waitFor, type Harness } from './harness.ts';

/** The GraphQL text of a component, as its `gql` tag holds it. */
function componentQuery(name: string): string {
  const source = readFileSync(
    new URL(`../../../salesforce/force-app/main/default/lwc/${name}/${name}.js`, import.meta.url),
    'utf8',
  );
  return (/gql`([\s\S]*?)`/.exec(source) as RegExpExecArray)[1] as string;
}

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

  it('writes the health figures into Sync_Status__c, one record per CRM and kind, which the health component reads', async () => {
    await waitFor(
      async () => {
        const open = await h.server.store.openJobCounts();
        return Object.entries(open).every(([key, n]) => key.endsWith('.dead') || n === 0);
      },
      20_000,
      'an idle queue',
    );
    await h.server.engine.writeSyncStatus();
    const statuses = (await h.sf()).Sync_Status__c ?? [];
    const byKey = new Map(statuses.map((r) => [String(r.External_Id__c), r]));
    expect(byKey.size).toBe(statuses.length);
    expect([...byKey.keys()].filter((key) => key.startsWith('salesforce:')).sort()).toEqual([
      'salesforce:answer',
      'salesforce:callback',
      'salesforce:rating',
      'salesforce:rollup',
    ]);
    expect(byKey.has('hubspot:answer')).toBe(true);
    const deadCallbacks = (await h.server.store.listDead(100)).filter(
      (job) => job.crm === 'salesforce' && job.kind === 'callback',
    ).length;
    // As many dead letters as the store holds for that kind (the refused records of the tests above).
    expect(byKey.get('salesforce:callback')).toMatchObject({
      CRM__c: 'Salesforce',
      Job_Kind__c: 'Callback',
      Object__c: 'Callback__c',
      Dead_Letters__c: deadCallbacks,
      Backlog__c: 0,
    });
    const answers = byKey.get('salesforce:answer');
    expect(answers).toMatchObject({ Dead_Letters__c: 0, Backlog__c: 0 });
    expect(Date.parse(String(answers?.Last_Success_At__c))).toBeGreaterThan(Date.now() - 60_000);
    // The org's API usage as its Sforce-Limit-Info headers said it (the emulator allows 100,000).
    expect(answers?.API_Daily_Limit__c).toBe(100_000);
    expect(Number(answers?.API_Calls_Today__c)).toBeGreaterThan(0);

    // Nothing changed: the next sweep writes nothing.
    const before = (await writes('Sync_Status__c'))[String(answers?.Id)];
    expect(await h.server.engine.writeSyncStatus()).toEqual([]);
    expect((await writes('Sync_Status__c'))[String(answers?.Id)]).toBe(before);

    // The component's own query, as Lightning Data Service sends it, reads them back.
    const adapter = new SalesforceAdapter(h.config.salesforce!);
    const response = await adapter.uiApi('POST', 'graphql', {
      query: componentQuery('boucleSyncHealth'),
      variables: {},
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as {
      data: { uiapi: { query: { statuses: { edges: { node: Record<string, unknown> }[] } } } };
    };
    const nodes = body.data.uiapi.query.statuses.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(statuses.length);
    expect(
      nodes.find((n) => (n.key as { value: string }).value === 'salesforce:callback'),
    ).toMatchObject({
      crm: { value: 'Salesforce' },
      kind: { value: 'Callback' },
      deadLetters: { value: deadCallbacks },
    });
  });

  it("shows HubSpot's refusals in the org too, without a link to a record of this org", async () => {
    await fetch(`${h.emulators.hubspotUrl}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rules: [
          {
            match: '/batch/',
            recordErrorCode: 'VALIDATION_ERROR',
            recordMatch: '"api:se-hs-',
            message: 'Property values were not valid',
          },
        ],
      }),
    });
    await h.api('POST', '/v1/answers', { answers: [answer({ id: 'se-hs-1', score: 8 })] });
    await waitFor(
      async () =>
        (await h.server.store.listDead(100)).some(
          (job) => job.crm === 'hubspot' && job.ref === 'api:se-hs-1',
        ),
      20_000,
      'the dead HubSpot answer',
    );
    await h.server.engine.sweepSyncErrors();
    expect(await syncErrors('hubspot:answer:api:se-hs-1')).toEqual([
      expect.objectContaining({
        CRM__c: 'HubSpot',
        Object__c: 'boucle_survey_response',
        Error_Code__c: 'VALIDATION_ERROR',
        Error_Message__c: 'Property values were not valid',
        Status__c: 'Open',
        Record_Link__c: null,
      }),
    ]);
    // Salesforce took the same answer.
    await waitFor(
      async () => Boolean(await surveyResponse('api:se-hs-1')),
      20_000,
      'the answer in Salesforce',
    );
  });

  it('keys the error of a record whose id fills its 255 characters so that it fits, and replays it from the org', async () => {
    const id = `se-long-${'x'.repeat(247)}`; // 255 characters, the longest id the API takes
    await faults([
      {
        match: 'composite',
        recordErrorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Touchpoint is mandatory for Acme',
        recordMatch: '"External_Id__c":"api:se-long-',
      },
    ]);
    await h.api('POST', '/v1/answers', { answers: [answer({ id, score: 8 })] });
    await waitFor(
      async () =>
        (await h.server.store.listDead(100)).some(
          (job) => job.crm === 'salesforce' && job.ref === `api:${id}`,
        ),
      20_000,
      'the dead answer',
    );
    await h.server.engine.sweepSyncErrors();
    const error = ((await h.sf()).Sync_Error__c ?? []).find((r) =>
      String(r.External_Id__c).startsWith('salesforce:answer:api:se-long-'),
    );
    expect(String(error?.External_Id__c)).toHaveLength(255);
    expect(String(error?.Boucle_Ref__c)).toHaveLength(255);

    await faults([]);
    const org = h.emulators.salesforce.org;
    org.runAs(adminId, () => org.update('Sync_Error__c', error?.Id, { Replay_Requested__c: true }));
    expect(await h.server.engine.sweepSyncErrors()).toBe(1);
    await waitFor(
      async () =>
        (await h.server.store.syncStates('salesforce', 'answer', [`api:${id}`])).get(`api:${id}`)
          ?.state === 'synced',
      20_000,
      'the long answer synced',
    );
    await h.server.engine.sweepSyncErrors();
    expect(((await h.sf()).Sync_Error__c ?? []).find((r) => r.Id === error?.Id)).toMatchObject({
      Status__c: 'Resolved',
      Replay_Requested__c: false,
    });
  });
});
