import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';
import { admin } from './helpers.ts';
import { modelGaps } from './hubspotModels.ts';

/**
 * @hubspot/api-client against the emulator, operation by operation: each call goes out in the
 * client's own form (repeated `properties=a&properties=b`, `associations`, `archived`, `after`,
 * `idProperty`), and each answer, deserialised by the client, must hold every attribute its
 * generated model marks required, with dates that parse and enum values the model knows.
 */

let emulator: HubSpotEmulator;
let url: string;
let close: () => Promise<void>;
let hubspot: Client;

/** The error the client throws, with its deserialised body. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: { code: number; body: unknown }) => error,
  );
}

beforeAll(async () => {
  emulator = new HubSpotEmulator({ burstLimit: 1_000, dailyLimit: 1_000_000 });
  ({ url, close } = await emulator.listen());
  hubspot = new Client({ accessToken: 'pat-sandbox', basePath: url });
});
afterAll(() => close());
beforeEach(() => emulator.reset());

async function seed(): Promise<{ contact: string; company: string }> {
  const ids = (await admin(url, 'records', {
    contacts: [
      { properties: { email: 'claire@acme.example', firstname: 'Claire', lastname: 'Dupont' } },
      { properties: { email: 'marc@acme.example', firstname: 'Marc', lastname: 'Leroy' } },
      { properties: { email: 'ines@acme.example', firstname: 'Inès', lastname: 'Martin' } },
    ],
    companies: [{ properties: { name: 'Acme', domain: 'acme.example' } }],
  })) as Record<string, string[]>;
  const contact = ids.contacts?.[0] as string;
  const company = ids.companies?.[0] as string;
  await hubspot.crm.associations.v4.basicApi.createDefault(
    'contacts',
    contact,
    'companies',
    company,
  );
  return { contact, company };
}

describe('objects: basic API', () => {
  it('reads the properties asked for as repeated query parameters, with associations', async () => {
    const { contact, company } = await seed();
    const read = await hubspot.crm.objects.basicApi.getById(
      'contacts',
      contact,
      ['email', 'firstname'],
      undefined,
      ['companies'],
    );
    expect(modelGaps(read)).toEqual([]);
    expect(read.properties).toMatchObject({ email: 'claire@acme.example', firstname: 'Claire' });
    expect(read.properties).not.toHaveProperty('lastname');
    expect(read.associations?.companies?.results.map((r) => r.id)).toEqual([company]);
  });

  it('reads by a unique property with idProperty', async () => {
    await seed();
    const read = await hubspot.crm.contacts.basicApi.getById(
      'marc@acme.example',
      ['lastname'],
      undefined,
      undefined,
      false,
      'email',
    );
    expect(modelGaps(read)).toEqual([]);
    expect(read.properties.lastname).toBe('Leroy');
  });

  it('lists page by page with after, the properties asked for, and associations', async () => {
    const { company } = await seed();
    const first = await hubspot.crm.objects.basicApi.getPage(
      'contacts',
      2,
      undefined,
      ['email', 'lastname'],
      undefined,
      ['companies'],
      false,
    );
    expect(modelGaps(first)).toEqual([]);
    expect(first.results).toHaveLength(2);
    expect(first.results[0]?.properties).not.toHaveProperty('firstname');
    expect(first.results[0]?.associations?.companies?.results.map((r) => r.id)).toEqual([company]);
    const second = await hubspot.crm.objects.basicApi.getPage(
      'contacts',
      2,
      first.paging?.next?.after,
      ['email', 'lastname'],
    );
    expect(modelGaps(second)).toEqual([]);
    expect(second.results.map((r) => r.properties.email)).toEqual(['ines@acme.example']);
    expect(second.paging).toBeUndefined();
  });

  it('creates, updates and archives, each answer complete', async () => {
    const created = await hubspot.crm.objects.basicApi.create('contacts', {
      properties: { email: 'nora@acme.example', firstname: 'Nora' },
      associations: [],
    });
    expect(modelGaps(created)).toEqual([]);
    const updated = await hubspot.crm.objects.basicApi.update('contacts', created.id, {
      properties: { lastname: 'Petit' },
    });
    expect(modelGaps(updated)).toEqual([]);
    expect(updated.properties.lastname).toBe('Petit');
    await hubspot.crm.objects.basicApi.archive('contacts', created.id);
    const gone = await failure(hubspot.crm.objects.basicApi.getById('contacts', created.id));
    expect(gone.code).toBe(404);
    expect(modelGaps(gone.body)).toEqual([]);
  });

  it('answers a refused write with a complete error body', async () => {
    const error = await failure(
      hubspot.crm.objects.basicApi.create('contacts', {
        properties: { no_such_property: 'x' },
        associations: [],
      }),
    );
    expect(error.code).toBe(400);
    expect(modelGaps(error.body)).toEqual([]);
  });
});

describe('objects: batch and search', () => {
  it('creates, reads (properties and idProperty), updates, upserts and archives in batches', async () => {
    await seed();
    const created = await hubspot.crm.objects.batchApi.create('contacts', {
      inputs: [{ properties: { email: 'zoe@acme.example', firstname: 'Zoé' }, associations: [] }],
    });
    expect(modelGaps(created)).toEqual([]);
    const read = await hubspot.crm.objects.batchApi.read('contacts', {
      inputs: [{ id: 'zoe@acme.example' }, { id: 'nobody@acme.example' }],
      properties: ['firstname'],
      propertiesWithHistory: [],
      idProperty: 'email',
    });
    expect(modelGaps(read)).toEqual([]);
    expect(read.results.map((r) => r.properties.firstname)).toEqual(['Zoé']);
    const updated = await hubspot.crm.contacts.batchApi.update({
      inputs: [{ id: created.results[0]?.id as string, properties: { lastname: 'Roux' } }],
    });
    expect(modelGaps(updated)).toEqual([]);
    const upserted = await hubspot.crm.objects.batchApi.upsert('contacts', {
      inputs: [
        { id: 'zoe@acme.example', idProperty: 'email', properties: { lastname: 'Rousseau' } },
        { id: 'yan@acme.example', idProperty: 'email', properties: { lastname: 'Yan' } },
      ],
    });
    expect(modelGaps(upserted)).toEqual([]);
    expect(upserted.results.map((r) => r._new)).toEqual([false, true]);
    await hubspot.crm.objects.batchApi.archive('contacts', {
      inputs: [{ id: created.results[0]?.id as string }],
    });
  });

  it('answers a 207 whose errors are complete StandardErrors', async () => {
    const response = await hubspot.crm.objects.batchApi.create('tasks', {
      inputs: [
        {
          properties: { hs_timestamp: '2026-05-05T09:00:00Z', hs_task_priority: 'URGENT' },
          associations: [],
          objectWriteTraceId: 'trace-1',
        } as never,
      ],
    });
    expect(modelGaps(response)).toEqual([]);
    expect(response).toHaveProperty('numErrors', 1);
  });

  it('updates companies through their own module', async () => {
    const { company } = await seed();
    const updated = await hubspot.crm.companies.batchApi.update({
      inputs: [{ id: company, properties: { name: 'Acme SA' } }],
    });
    expect(modelGaps(updated)).toEqual([]);
  });

  it('searches with a complete, paged answer', async () => {
    await seed();
    const page = await hubspot.crm.objects.searchApi.doSearch('contacts', {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' as never }] }],
      sorts: ['email'],
      properties: ['email'],
      limit: 2,
      after: '0',
    });
    expect(modelGaps(page)).toEqual([]);
    expect(page.total).toBe(3);
    expect(page.paging?.next?.after).toBeDefined();
  });
});

describe('associations v4', () => {
  it('creates, reads and lists labels with complete answers', async () => {
    const { contact, company } = await seed();
    const labels = await hubspot.crm.associations.v4.schema.definitionsApi.getAll(
      'contacts',
      'companies',
    );
    expect(modelGaps(labels)).toEqual([]);
    const label = await hubspot.crm.associations.v4.schema.definitionsApi.create(
      'contacts',
      'companies',
      { label: 'Decision maker', name: 'decision_maker' },
    );
    expect(modelGaps(label)).toEqual([]);
    const created = await hubspot.crm.associations.v4.batchApi.create('contacts', 'companies', {
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
    expect(modelGaps(created)).toEqual([]);
    const defaults = await hubspot.crm.associations.v4.batchApi.createDefault(
      'contacts',
      'companies',
      { inputs: [{ _from: { id: contact }, to: { id: company } }] },
    );
    expect(modelGaps(defaults)).toEqual([]);
    const read = await hubspot.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
      inputs: [{ id: contact }],
    });
    expect(modelGaps(read)).toEqual([]);
    const single = await hubspot.crm.associations.v4.basicApi.createDefault(
      'companies',
      company,
      'contacts',
      contact,
    );
    expect(modelGaps(single)).toEqual([]);
  });
});

describe('properties, schemas, owners', () => {
  it('answers properties and groups completely', async () => {
    const group = await hubspot.crm.properties.groupsApi.create('contacts', {
      name: 'boucle',
      label: 'Boucle',
    });
    expect(modelGaps(group)).toEqual([]);
    expect(modelGaps(await hubspot.crm.properties.groupsApi.getAll('contacts'))).toEqual([]);
    expect(
      modelGaps(await hubspot.crm.properties.groupsApi.getByName('contacts', 'boucle')),
    ).toEqual([]);
    const property = await hubspot.crm.properties.coreApi.create('contacts', {
      name: 'boucle_last_nps',
      label: 'Last NPS',
      type: 'number' as never,
      fieldType: 'number' as never,
      groupName: 'boucle',
    });
    expect(modelGaps(property)).toEqual([]);
    expect(modelGaps(await hubspot.crm.properties.coreApi.getAll('contacts'))).toEqual([]);
    expect(
      modelGaps(await hubspot.crm.properties.coreApi.getByName('contacts', 'boucle_last_nps')),
    ).toEqual([]);
    const batch = await hubspot.crm.properties.batchApi.read('contacts', {
      inputs: [{ name: 'boucle_last_nps' }],
      archived: false,
    });
    expect(modelGaps(batch)).toEqual([]);
  });

  it('answers custom object schemas completely', async () => {
    const schema = await hubspot.crm.schemas.coreApi.create({
      name: 'survey_response',
      labels: { singular: 'Survey response', plural: 'Survey responses' },
      primaryDisplayProperty: 'external_id',
      requiredProperties: [],
      associatedObjects: ['CONTACT'],
      properties: [
        {
          name: 'external_id',
          label: 'External id',
          type: 'string',
          fieldType: 'text',
          hasUniqueValue: true,
        },
      ],
    } as never);
    expect(modelGaps(schema)).toEqual([]);
    expect(modelGaps(await hubspot.crm.schemas.coreApi.getAll())).toEqual([]);
    expect(modelGaps(await hubspot.crm.schemas.coreApi.getById('survey_response'))).toEqual([]);
  });

  it('answers owners completely, by e-mail and by id', async () => {
    await admin(url, 'records', {
      owners: [{ id: '501', email: 'ops@acme.example', firstName: 'Ops', lastName: 'Team' }],
    });
    const page = await hubspot.crm.owners.ownersApi.getPage('ops@acme.example');
    expect(modelGaps(page)).toEqual([]);
    expect(page.results.map((o) => o.id)).toEqual(['501']);
    expect(modelGaps(await hubspot.crm.owners.ownersApi.getById(501))).toEqual([]);
  });
});

describe('documented value rules', () => {
  it('takes a date property only at midnight UTC, as HubSpot requires', async () => {
    await hubspot.crm.properties.coreApi.create('contacts', {
      name: 'renewal_date',
      label: 'Renewal date',
      type: 'date' as never,
      fieldType: 'date' as never,
      groupName: 'default',
    });
    const midnight = await hubspot.crm.objects.basicApi.create('contacts', {
      properties: { email: 'a@acme.example', renewal_date: String(Date.UTC(2026, 4, 1)) },
      associations: [],
    });
    expect(midnight.properties.renewal_date).toBe('2026-05-01');
    const error = await failure(
      hubspot.crm.objects.basicApi.create('contacts', {
        properties: { email: 'b@acme.example', renewal_date: '2026-05-01T09:30:00Z' },
        associations: [],
      }),
    );
    expect(error.code).toBe(400);
    expect(JSON.stringify(error.body)).toContain('INVALID_DATE');
  });
});
