import { beforeEach, describe, expect, it } from 'vitest';
import { admin, fixture } from './helpers.ts';
import {
  emulator,
  failure,
  hubspot,
  surveyResponseObject,
  url,
  useHubSpotEmulator,
} from './hubspotHarness.ts';

useHubSpotEmulator();

describe('batch endpoints', () => {
  beforeEach(() =>
    admin(url, 'records', {
      contacts: [{ id: '123', properties: { email: 'claire@acme.example' } }],
    }),
  );

  it('creates the fixture tasks with their associations (201)', async () => {
    const request = fixture<{ inputs: never[] }>('hubspot/tasks-batch-create.request.json');
    const response = await hubspot.crm.objects.tasks.batchApi.create(request);
    const expected = fixture<{ results: Record<string, unknown>[] }>(
      'hubspot/tasks-batch-create.response.201.json',
    );
    expect(response.status).toBe('COMPLETE');
    expect(response.results[0]).toMatchObject({
      objectWriteTraceId: expected.results[0]?.objectWriteTraceId,
      properties: { hs_task_subject: 'Call back detractor (NPS 3)', hs_task_status: 'NOT_STARTED' },
    });
    const associations = await hubspot.crm.associations.v4.batchApi.getPage('tasks', 'contacts', {
      inputs: [{ id: response.results[0]?.id as string }],
    });
    expect(associations.results[0]?.to).toEqual([
      {
        toObjectId: 123,
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 204, label: null }],
      },
    ]);
  });

  it('reports bad inputs in a 207 when every input has an objectWriteTraceId', async () => {
    const inputs = [
      {
        properties: { hs_timestamp: '2026-05-05T09:00:00Z', hs_task_subject: 'ok' },
        associations: [],
        objectWriteTraceId: 'trace-1',
      },
      {
        properties: { hs_timestamp: '2026-05-05T09:00:00Z', hs_task_priority: 'URGENT' },
        associations: [],
        objectWriteTraceId: 'trace-2',
      },
    ];
    const response = (await hubspot.crm.objects.tasks.batchApi.create({
      inputs,
    } as never)) as unknown as Record<string, unknown>;
    const expected = fixture<Record<string, unknown>>('hubspot/batch-create.response.207.json');
    expect(response).toMatchObject({
      numErrors: 1,
      errors: [{ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['trace-2'] } }],
    });
    for (const key of Object.keys(expected)) expect(response).toHaveProperty(key);
    expect((await admin(url, 'state')).objects).toMatchObject({
      tasks: [
        expect.objectContaining({ properties: expect.objectContaining({ hs_task_subject: 'ok' }) }),
      ],
    });
  });

  it('fails the whole batch, writing nothing, without trace ids', async () => {
    const inputs = [
      {
        properties: { hs_timestamp: '2026-05-05T09:00:00Z', hs_task_subject: 'ok' },
        associations: [],
      },
      {
        properties: { hs_timestamp: '2026-05-05T09:00:00Z', hs_task_priority: 'URGENT' },
        associations: [],
      },
    ];
    const error = await failure(hubspot.crm.objects.tasks.batchApi.create({ inputs } as never));
    expect(error.code).toBe(400);
    expect((await admin(url, 'state')).objects).not.toHaveProperty('tasks');
  });

  it('refuses 101 inputs', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      properties: { email: `c${i}@acme.example` },
      associations: [],
    }));
    const error = await failure(hubspot.crm.contacts.batchApi.create({ inputs }));
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'Batch input limit exceeded: 101 inputs given, the limit is 100.',
    });
    expect(
      (await hubspot.crm.contacts.batchApi.create({ inputs: inputs.slice(0, 100) })).results,
    ).toHaveLength(100);
  });

  it('upserts the fixture by a unique property: new, then not new', async () => {
    const type = await surveyResponseObject();
    const request = fixture<{ inputs: never[] }>('hubspot/batch-upsert.request.json');
    const first = await hubspot.crm.objects.batchApi.upsert(type, request);
    const expected = fixture<{ results: Record<string, unknown>[] }>(
      'hubspot/batch-upsert.response.200.json',
    );
    expect(first.results[0]).toMatchObject({
      _new: true,
      properties: expected.results[0]?.properties as object,
    });
    const again = await hubspot.crm.objects.batchApi.upsert(type, request);
    expect(again.results[0]).toMatchObject({ _new: false, id: first.results[0]?.id });
  });

  it('refuses an upsert keyed by a property that is not unique', async () => {
    const error = await failure(
      hubspot.crm.contacts.batchApi.upsert({
        inputs: [{ idProperty: 'firstname', id: 'Claire', properties: {} }],
      }),
    );
    expect(error.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('firstname is not a unique property'),
    });
  });

  it("refuses a batch read by a property that is not unique, such as a company's domain", async () => {
    await admin(url, 'records', { companies: [{ properties: { domain: 'acme.example' } }] });
    const error = await failure(
      hubspot.crm.companies.batchApi.read({
        idProperty: 'domain',
        inputs: [{ id: 'acme.example' }],
        properties: ['domain'],
        propertiesWithHistory: [],
      }),
    );
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('domain is not a unique property of companies'),
    });
  });

  describe('one bad input in a batch write, under each reading of HubSpot', () => {
    const inputs = [
      {
        id: 'a-1',
        idProperty: 'survey_response_external_id',
        properties: { nps: '9' },
        objectWriteTraceId: 'a-1',
      },
      {
        id: 'a-2',
        idProperty: 'survey_response_external_id',
        properties: { nps: 'ten' },
        objectWriteTraceId: 'a-2',
      },
    ];
    const stored = async () =>
      ((await admin(url, 'state')).objects as Record<string, unknown[]>).survey_response ?? [];

    it('documented: a batch upsert fails as a whole, writing nothing', async () => {
      const type = await surveyResponseObject();
      const error = await failure(hubspot.crm.objects.batchApi.upsert(type, { inputs }));
      expect(error.code).toBe(400);
      expect(await stored()).toEqual([]);
    });

    it('multi-status: a batch upsert reports the bad input alone in a 207', async () => {
      emulator.batchErrors = 'multi-status';
      const type = await surveyResponseObject();
      const response = (await hubspot.crm.objects.batchApi.upsert(type, {
        inputs,
      })) as unknown as Record<string, unknown>;
      expect(response).toMatchObject({
        numErrors: 1,
        errors: [{ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['a-2'] } }],
      });
      expect(await stored()).toHaveLength(1);
    });

    it('all-or-nothing: even a traced batch create fails as a whole', async () => {
      emulator.batchErrors = 'all-or-nothing';
      const type = await surveyResponseObject();
      const error = await failure(
        hubspot.crm.objects.batchApi.create(type, {
          inputs: inputs.map(({ properties, objectWriteTraceId }) => ({
            properties,
            associations: [],
            objectWriteTraceId,
          })),
        }),
      );
      expect(error.code).toBe(400);
      expect(await stored()).toEqual([]);
    });

    it('fails the inputs a per-input fault names, as a validation rule would', async () => {
      const type = await surveyResponseObject();
      await admin(url, 'faults', {
        rules: [
          {
            match: 'batch/create',
            recordErrorCode: 'VALIDATION_ERROR',
            recordMatch: '"a-1"',
            message: 'Rule: no a-1',
          },
        ],
      });
      const response = (await hubspot.crm.objects.batchApi.create(type, {
        inputs: inputs.map((input) => ({
          properties: { survey_response_external_id: input.id, nps: '9' },
          associations: [],
          objectWriteTraceId: input.objectWriteTraceId,
        })),
      })) as unknown as Record<string, unknown>;
      expect(response).toMatchObject({
        numErrors: 1,
        errors: [{ message: 'Rule: no a-1', context: { objectWriteTraceId: ['a-1'] } }],
      });
    });
  });

  it('reads by email, reporting missing ones in a 207, updates and archives', async () => {
    const read = await hubspot.crm.contacts.batchApi.read({
      idProperty: 'email',
      inputs: [{ id: 'claire@acme.example' }, { id: 'ghost@acme.example' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.id)).toEqual(['123']);
    expect(read).toMatchObject({
      numErrors: 1,
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['ghost@acme.example'] } }],
    });
    const updated = await hubspot.crm.contacts.batchApi.update({
      inputs: [{ id: '123', properties: { firstname: 'Claire' } }],
    });
    expect(updated.results[0]?.properties.firstname).toBe('Claire');
    await hubspot.crm.contacts.batchApi.archive({ inputs: [{ id: '123' }] });
    expect((await hubspot.crm.contacts.basicApi.getPage(10)).results).toHaveLength(0);
  });
});
