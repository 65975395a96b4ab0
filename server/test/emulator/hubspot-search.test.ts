import { beforeEach, describe, expect, it } from 'vitest';
import { admin } from './helpers.ts';
import { failure, hubspot, url, useHubSpotEmulator } from './hubspotHarness.ts';

useHubSpotEmulator();

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
