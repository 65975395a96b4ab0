import { Client } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { HubSpotEmulator } from '../../src/emulators/hubspot/app.ts';
import { admin } from './helpers.ts';
import {
  emulator,
  failure,
  hubspot,
  surveyResponseObject,
  url,
  useHubSpotEmulator,
} from './hubspotHarness.ts';

useHubSpotEmulator();

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
