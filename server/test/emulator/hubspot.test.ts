import { Client } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { admin, fixture } from './helpers.ts';
import {
  failure,
  hubspot,
  surveyResponseObject,
  url,
  useHubSpotEmulator,
} from './hubspotHarness.ts';

useHubSpotEmulator();

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
