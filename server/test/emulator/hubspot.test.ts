import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';
import { admin, fixture } from './helpers.ts';

let emulator: HubSpotEmulator;
let url: string;
let close: () => Promise<void>;
let hubspot: Client;

/** What the client throws on a non-2xx answer. */
interface ApiException {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined as unknown as ApiException,
    (error: ApiException) => error,
  );

beforeAll(async () => {
  emulator = new HubSpotEmulator({ burstLimit: 1_000, dailyLimit: 1_000_000 });
  ({ url, close } = await emulator.listen());
  hubspot = new Client({ accessToken: 'pat-sandbox', basePath: url });
});
afterAll(() => close());
beforeEach(() => emulator.reset());

async function surveyResponseObject(): Promise<string> {
  await hubspot.crm.schemas.coreApi.create({
    name: 'survey_response',
    labels: { singular: 'Survey response', plural: 'Survey responses' },
    primaryDisplayProperty: 'survey_response_external_id',
    requiredProperties: [],
    associatedObjects: ['CONTACT', 'COMPANY'],
    properties: [
      {
        name: 'survey_response_external_id',
        label: 'External id',
        type: 'string',
        fieldType: 'text',
        hasUniqueValue: true,
      },
      { name: 'nps', label: 'NPS', type: 'number', fieldType: 'number' },
      { name: 'comment', label: 'Comment', type: 'string', fieldType: 'textarea' },
    ],
  } as never);
  return 'survey_response';
}

describe('authentication', () => {
  it('refuses an unknown token with INVALID_AUTHENTICATION', async () => {
    const stranger = new Client({ accessToken: 'pat-nope', basePath: url });
    const error = await failure(stranger.crm.contacts.basicApi.getPage(10));
    expect(error.code).toBe(401);
    expect(error.body).toMatchObject({
      status: 'error',
      category: 'INVALID_AUTHENTICATION',
      correlationId: expect.any(String),
    });
  });

  it('answers EXPIRED_AUTHENTICATION once a token expires', async () => {
    await admin(url, 'faults', { tokenTtlMinutes: 0 });
    const error = await failure(hubspot.crm.contacts.basicApi.getPage(10));
    const expected = fixture<Record<string, Record<string, unknown>>>('hubspot/errors.json')[
      '401_expired'
    ] as Record<string, unknown>;
    expect(error.code).toBe(401);
    expect(Object.keys(error.body).sort()).toEqual(Object.keys(expected).sort());
    expect(error.body.category).toBe('EXPIRED_AUTHENTICATION');
  });
});

describe('objects', () => {
  it('creates, reads (also by a unique property), updates, lists and archives', async () => {
    const created = await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'claire@acme.example', firstname: 'Claire' },
      associations: [],
    });
    expect(created.properties).toMatchObject({
      email: 'claire@acme.example',
      hs_object_id: created.id,
    });
    const byEmail = await hubspot.crm.contacts.basicApi.getById(
      'claire@acme.example',
      ['firstname'],
      undefined,
      undefined,
      undefined,
      'email',
    );
    expect(byEmail.id).toBe(created.id);
    await hubspot.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Martin' } });
    expect(
      (await hubspot.crm.contacts.basicApi.getById(created.id, ['lastname'])).properties.lastname,
    ).toBe('Martin');
    await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'luc@acme.example' },
      associations: [],
    });
    const page = await hubspot.crm.contacts.basicApi.getPage(1);
    expect(page.results).toHaveLength(1);
    expect(page.paging?.next?.after).toBe('1');
    await hubspot.crm.contacts.basicApi.archive(created.id);
    expect((await failure(hubspot.crm.contacts.basicApi.getById(created.id))).body).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
    });
  });

  it.each([
    [
      'an unknown property',
      { nps: '3' },
      'PROPERTY_DOESNT_EXIST',
      'Property \\"nps\\" does not exist',
    ],
    [
      'a read-only property',
      { hs_object_id: '5' },
      'READ_ONLY_VALUE',
      'hs_object_id is a read only property',
    ],
  ])('refuses %s with VALIDATION_ERROR', async (_label, properties, code, message) => {
    const error = await failure(
      hubspot.crm.contacts.basicApi.create({ properties, associations: [] }),
    );
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({ category: 'VALIDATION_ERROR', errors: [{ code }] });
    expect(error.body.message).toContain(message);
  });

  it('checks number, option and date values', async () => {
    const bad = await failure(
      hubspot.crm.objects.tasks.basicApi.create({
        properties: { hs_timestamp: 'soon', hs_task_priority: 'URGENT' },
        associations: [],
      }),
    );
    expect(bad.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect((bad.body.errors as { code: string }[]).map((e) => e.code).sort()).toEqual([
      'INVALID_DATE',
      'INVALID_OPTION',
    ]);
    const missing = await failure(
      hubspot.crm.objects.tasks.basicApi.create({
        properties: { hs_task_subject: 'x' },
        associations: [],
      }),
    );
    expect(missing.body).toMatchObject({ errors: [{ code: 'REQUIRED_FIELD' }] });
  });

  it('refuses a second record with the same unique value with 409 CONFLICT', async () => {
    const type = await surveyResponseObject();
    const first = await hubspot.crm.objects.basicApi.create(type, {
      properties: { survey_response_external_id: 'typeform:1' },
      associations: [],
    });
    const error = await failure(
      hubspot.crm.objects.basicApi.create(type, {
        properties: { survey_response_external_id: 'typeform:1' },
        associations: [],
      }),
    );
    expect(error.code).toBe(409);
    expect(error.body).toMatchObject({
      category: 'CONFLICT',
      message: `A survey_response with survey_response_external_id 'typeform:1' already exists. Existing ID: ${first.id}`,
    });
  });
});

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

describe('search', () => {
  beforeEach(() =>
    admin(url, 'records', {
      companies: [
        { properties: { name: 'Acme', domain: 'acme.example' } },
        { properties: { name: 'Globex', domain: 'globex.example' } },
        { properties: { name: 'Initech', domain: 'initech.example' } },
      ],
    }),
  );

  const search = (body: Record<string, unknown>) =>
    hubspot.crm.companies.searchApi.doSearch({
      filterGroups: [],
      sorts: [],
      properties: ['name', 'domain'],
      limit: 10,
      after: '0',
      ...body,
    } as never);

  it('filters (groups OR-ed, filters AND-ed), sorts and pages', async () => {
    const result = await search({
      filterGroups: [
        { filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.example' }] },
        { filters: [{ propertyName: 'name', operator: 'IN', values: ['Initech', 'Nobody'] }] },
      ],
      sorts: [{ propertyName: 'name', direction: 'DESCENDING' }],
    });
    expect(result.total).toBe(2);
    expect(result.results.map((r) => r.properties.name)).toEqual(['Initech', 'Acme']);
    const paged = await search({ sorts: ['name'], limit: 2 });
    expect(paged.results.map((r) => r.properties.name)).toEqual(['Acme', 'Globex']);
    expect(paged.paging?.next?.after).toBe('2');
    expect(
      (
        await search({
          filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'NOT_HAS_PROPERTY' }] }],
        })
      ).total,
    ).toBe(0);
  });

  it.each([
    [
      '6 filter groups',
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [] })) },
      'Too many filter groups: 6',
    ],
    [
      '7 filters in a group',
      {
        filterGroups: [
          {
            filters: Array.from({ length: 7 }, () => ({
              propertyName: 'name',
              operator: 'HAS_PROPERTY',
            })),
          },
        ],
      },
      'Too many filters in a group: 7',
    ],
    ['a page past 10,000 results', { after: '9995', limit: 10 }, 'limited to 10000 total results'],
    ['more than 200 per page', { limit: 201 }, 'limit must be at most 200'],
    [
      '19 filters in all groups',
      {
        filterGroups: [6, 6, 6, 1].map((n) => ({
          filters: Array.from({ length: n }, () => ({
            propertyName: 'name',
            operator: 'HAS_PROPERTY',
          })),
        })),
      },
      'Too many filters: 19',
    ],
    [
      'IN without values',
      { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'IN' }] }] },
      'needs a non-empty "values" list',
    ],
    ['a query over 3,000 characters', { query: 'a'.repeat(3001) }, 'query must be at most 3000'],
  ])('refuses %s', async (_label, body, message) => {
    const error = await failure(search(body));
    expect(error.code).toBe(400);
    expect(error.body.message).toContain(message);
  });

  it('finds companies by domain with IN, the way to resolve a domain (not idProperty)', async () => {
    const found = await search({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'domain',
              operator: 'IN',
              values: ['acme.example', 'initech.example', 'nobody.example'],
            },
          ],
        },
      ],
      limit: 200,
    });
    expect(found.results.map((r) => r.properties.domain).sort()).toEqual([
      'acme.example',
      'initech.example',
    ]);
  });

  it('allows 5 searches per second, with no rate-limit headers', async () => {
    const raw = await fetch(`${url}/crm/v3/objects/companies/search`, {
      method: 'POST',
      headers: { authorization: 'Bearer pat-sandbox', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(raw.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    for (let i = 0; i < 4; i++) await search({});
    const error = await failure(search({}));
    expect(error.code).toBe(429);
    expect(error.body).toMatchObject({
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
    });
  });
});

describe('associations v4', () => {
  it('creates labelled and default associations, reads and archives them', async () => {
    const ids = (await admin(url, 'records', {
      contacts: [{ properties: { email: 'c@acme.example' } }],
      companies: [{ properties: { name: 'Acme' } }],
    })) as Record<string, string[]>;
    const contact = ids.contacts?.[0] as string;
    const company = ids.companies?.[0] as string;
    const labels = await hubspot.crm.associations.v4.schema.definitionsApi.getAll(
      'contacts',
      'companies',
    );
    expect(labels.results).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }]);
    const label = await hubspot.crm.associations.v4.schema.definitionsApi.create(
      'contacts',
      'companies',
      { label: 'Decision maker', name: 'decision_maker' },
    );
    await hubspot.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [
        {
          _from: { id: contact },
          to: { id: company },
          types: [
            {
              associationCategory: 'USER_DEFINED' as never,
              associationTypeId: label.results[0]?.typeId as number,
            },
          ],
        },
      ],
    });
    await hubspot.crm.associations.v4.batchApi.createDefault('contacts', 'companies', {
      inputs: [{ _from: { id: contact }, to: { id: company } }],
    });
    const read = await hubspot.crm.associations.v4.batchApi.getPage('companies', 'contacts', {
      inputs: [{ id: company }],
    });
    expect(read.results[0]?.to[0]?.associationTypes.map((t) => t.typeId).sort()).toHaveLength(2);
    await hubspot.crm.associations.v4.batchApi.archive('contacts', 'companies', {
      inputs: [{ _from: { id: contact }, to: [{ id: company }] }],
    });
    expect(
      (
        await hubspot.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
          inputs: [{ id: contact }],
        })
      ).results,
    ).toEqual([]);
  });

  it('reports an unknown association type in a 207', async () => {
    const ids = (await admin(url, 'records', {
      contacts: [{ properties: { email: 'c@acme.example' } }],
      companies: [{ properties: { name: 'Acme' } }],
    })) as Record<string, string[]>;
    const response = (await hubspot.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [
        {
          _from: { id: ids.contacts?.[0] as string },
          to: { id: ids.companies?.[0] as string },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 999 }],
        },
      ],
    })) as unknown as Record<string, unknown>;
    expect(response).toMatchObject({ numErrors: 1, errors: [{ category: 'VALIDATION_ERROR' }] });
  });
});

describe('properties, schemas and owners', () => {
  it('creates property groups and properties, refusing duplicates', async () => {
    await hubspot.crm.properties.groupsApi.create('companies', { name: 'boucle', label: 'Boucle' });
    const created = await hubspot.crm.properties.coreApi.create('companies', {
      name: 'boucle_nps',
      label: 'NPS',
      type: 'number' as never,
      fieldType: 'number' as never,
      groupName: 'boucle',
    });
    expect(created).toMatchObject({
      name: 'boucle_nps',
      type: 'number',
      groupName: 'boucle',
      hasUniqueValue: false,
    });
    const again = await failure(
      hubspot.crm.properties.coreApi.create('companies', {
        name: 'boucle_nps',
        label: 'NPS',
        type: 'number' as never,
        fieldType: 'number' as never,
        groupName: 'boucle',
      }),
    );
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS' });
    expect((await hubspot.crm.properties.coreApi.getByName('companies', 'boucle_nps')).label).toBe(
      'NPS',
    );
    const missingGroup = await failure(
      hubspot.crm.properties.coreApi.create('companies', {
        name: 'x_y',
        label: 'x',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'nope',
      }),
    );
    expect(missingGroup.body.message).toContain('Property group "nope" does not exist');
  });

  it('creates a custom object schema reachable by name, objectTypeId and fully qualified name', async () => {
    await surveyResponseObject();
    const schema = await hubspot.crm.schemas.coreApi.getById('survey_response');
    expect(schema.fullyQualifiedName).toBe(`p${emulator.portal.portalId}_survey_response`);
    for (const key of [
      schema.objectTypeId as string,
      schema.fullyQualifiedName as string,
      'survey_response',
    ]) {
      await hubspot.crm.objects.basicApi.create(key, {
        properties: { nps: 7 } as never,
        associations: [],
      });
    }
    expect(
      (await hubspot.crm.objects.basicApi.getPage('survey_response', 10)).results,
    ).toHaveLength(3);
    expect((await failure(surveyResponseObject())).code).toBe(409);
  });

  it('refuses custom objects on a portal below Enterprise', async () => {
    const starter = new HubSpotEmulator({ customObjects: false });
    const running = await starter.listen();
    try {
      const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
      const error = await failure(
        client.crm.schemas.coreApi.create({
          name: 'x',
          labels: { singular: 'x', plural: 'xs' },
          requiredProperties: [],
          properties: [],
          associatedObjects: [],
        } as never),
      );
      expect(error.code).toBe(403);
      expect(error.body.message).toContain('Enterprise');
      expect((await client.crm.schemas.coreApi.getAll()).results).toEqual([]);
    } finally {
      await running.close();
    }
  });

  it('lists owners, by email too', async () => {
    await admin(url, 'records', {
      owners: [
        { id: '64492917', email: 'paul@vendor.example', firstName: 'Paul', lastName: 'Roux' },
        { email: 'anne@vendor.example' },
      ],
    });
    expect((await hubspot.crm.owners.ownersApi.getPage()).results).toHaveLength(2);
    const paul = await hubspot.crm.owners.ownersApi.getPage('paul@vendor.example');
    expect(paul.results.map((o) => o.id)).toEqual(['64492917']);
  });
});

describe('rate limits', () => {
  it('sends the rate-limit headers and the exact ten-secondly 429 body', async () => {
    const small = new HubSpotEmulator({ burstLimit: 3 });
    const running = await small.listen();
    try {
      const response = await fetch(`${running.url}/crm/v3/objects/contacts`, {
        headers: { authorization: 'Bearer pat-sandbox' },
      });
      expect(
        Object.fromEntries([...response.headers].filter(([k]) => k.startsWith('x-hubspot'))),
      ).toEqual({
        'x-hubspot-ratelimit-daily': '250000',
        'x-hubspot-ratelimit-daily-remaining': '249999',
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-max': '3',
        'x-hubspot-ratelimit-remaining': '2',
      });
      const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
      await client.crm.contacts.basicApi.getPage(1);
      await client.crm.contacts.basicApi.getPage(1);
      const error = await failure(client.crm.contacts.basicApi.getPage(1));
      const expected = fixture<Record<string, Record<string, unknown>>>('hubspot/errors.json')[
        '429_ten_secondly'
      ] as Record<string, unknown>;
      expect(error.code).toBe(429);
      expect(error.body).toMatchObject({
        status: 'error',
        message: expected.message,
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
      expect(Object.keys(error.body).sort()).toEqual(Object.keys(expected).sort());
      expect(Number(error.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });

  it('answers the daily limit with the DAILY body', async () => {
    const small = new HubSpotEmulator({ dailyLimit: 1 });
    const running = await small.listen();
    try {
      const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
      await client.crm.contacts.basicApi.getPage(1);
      const error = await failure(client.crm.contacts.basicApi.getPage(1));
      const expected = fixture<Record<string, Record<string, unknown>>>('hubspot/errors.json')[
        '429_daily'
      ] as Record<string, unknown>;
      expect(error.body).toMatchObject({ message: expected.message, policyName: 'DAILY' });
      expect(Object.keys(error.body).sort()).toEqual(Object.keys(expected).sort());
    } finally {
      await running.close();
    }
  });
});

describe('admin API and faults', () => {
  it('injects 423 locks and 5xx with a Retry-After, a limited number of times', async () => {
    await admin(url, 'faults', {
      rules: [
        { match: 'batch/upsert', status: 423, times: 1 },
        { match: 'contacts', status: 502, retryAfterSeconds: 3, times: 1 },
      ],
    });
    const locked = await failure(
      hubspot.crm.contacts.batchApi.upsert({
        inputs: [{ idProperty: 'email', id: 'a@b.example', properties: {} }],
      }),
    );
    expect(locked.code).toBe(423);
    expect(locked.body).toMatchObject({ category: 'LOCKED' });
    const down = await failure(hubspot.crm.contacts.basicApi.getPage(1));
    expect(down.code).toBe(502);
    expect(down.headers['retry-after']).toBe('3');
    expect((await hubspot.crm.contacts.basicApi.getPage(1)).results).toEqual([]);
  });

  it('counts calls by endpoint and keeps state across restarts with a data file', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'boucle-hs-')), 'portal.json');
    const first = new HubSpotEmulator({ dataFile });
    const running = await first.listen();
    const client = new Client({ accessToken: 'pat-sandbox', basePath: running.url });
    await client.crm.companies.basicApi.create({ properties: { name: 'Kept' }, associations: [] });
    expect(
      ((await admin(running.url, 'calls')) as { byEndpoint: Record<string, number> }).byEndpoint,
    ).toEqual({ 'POST /crm/v3/objects/companies': 1 });
    await running.close();
    const second = new HubSpotEmulator({ dataFile });
    expect(second.portal.list('companies').map((c) => c.properties.name)).toEqual(['Kept']);
  });
});
