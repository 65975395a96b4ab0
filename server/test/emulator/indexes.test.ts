import { describe, expect, it } from 'vitest';
import { HubSpotPortal } from '../../src/emulators/hubspot/portal.ts';
import { SalesforceEmulator } from '../../src/emulators/salesforce/app.ts';

// The emulators find records by external id, unique value and association through indexes kept
// beside the records: these tests change the records every way the emulators can (update,
// delete, archive, reset, restore) and check each lookup answers as a scan of the records would.

const org = () => new SalesforceEmulator({}).org;
const answer = (score: number) => ({ Score__c: score, Metric__c: 'NPS' });

describe('Salesforce external-id and unique-field index', () => {
  it('creates again after the matched record was deleted', () => {
    const o = org();
    const first = o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(3));
    expect(o.delete((first.result as { id: string }).id).success).toBe(true);
    const again = o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(4));
    expect(again).toMatchObject({ status: 201, result: { success: true, created: true } });
    expect(o.rows('Survey_Response__c')).toHaveLength(1);
  });

  it('forgets every record on reset', () => {
    const o = org();
    o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(3));
    o.reset();
    const again = o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(4));
    expect(again.status).toBe(201);
    expect(o.rows('Survey_Response__c')).toHaveLength(1);
  });

  it('finds restored records and not those written after the snapshot', () => {
    const o = org();
    const kept = o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(3));
    const snapshot = structuredClone(o.snapshot());
    o.upsert('Survey_Response__c', 'External_Id__c', 'a-2', answer(5));
    o.restore(snapshot);
    expect(o.upsert('Survey_Response__c', 'External_Id__c', 'a-1', answer(9))).toMatchObject({
      status: 200,
      result: { id: (kept.result as { id: string }).id, created: false },
    });
    expect(o.upsert('Survey_Response__c', 'External_Id__c', 'a-2', answer(5)).status).toBe(201);
  });

  it('follows an external id changed by an update', () => {
    const o = org();
    const created = o.upsert('Survey_Response__c', 'External_Id__c', 'old', answer(3));
    const id = (created.result as { id: string }).id;
    expect(o.update('Survey_Response__c', id, { External_Id__c: 'new' }).success).toBe(true);
    expect(o.upsert('Survey_Response__c', 'External_Id__c', 'new', answer(4)).result).toMatchObject(
      { id, created: false },
    );
    expect(o.upsert('Survey_Response__c', 'External_Id__c', 'old', answer(5)).status).toBe(201);
  });

  it('answers 300 with every match, in the order of the records, for a non-unique external id', () => {
    const o = org();
    const ids = ['x-1', 'x-2', 'x-3'].map(
      (external) =>
        (
          o.upsert('Survey_Response__c', 'External_Id__c', external, {
            ...answer(3),
            Interaction_Id__c: external === 'x-2' ? 'other' : 'case-1',
          }).result as { id: string }
        ).id,
    );
    o.update('Survey_Response__c', ids[1], { Interaction_Id__c: 'case-1' });
    const found = o.upsert('Survey_Response__c', 'Interaction_Id__c', 'case-1', answer(4));
    expect(found.status).toBe(300);
    expect(found.result).toEqual(
      ids.map((id) => `/services/data/v62.0/sobjects/Survey_Response__c/${id}`),
    );
  });

  it('refuses a duplicate unique value, and frees a value its record gave up', () => {
    const o = org();
    const a = (
      o.create('Survey_Response__c', { ...answer(3), External_Id__c: 'u-1' }) as { id: string }
    ).id;
    expect(o.create('Survey_Response__c', { ...answer(3), External_Id__c: 'u-1' })).toMatchObject({
      success: false,
      errors: [{ statusCode: 'DUPLICATE_VALUE' }],
    });
    o.update('Survey_Response__c', a, { External_Id__c: 'u-2' });
    expect(o.create('Survey_Response__c', { ...answer(3), External_Id__c: 'u-1' }).success).toBe(
      true,
    );
  });
});

describe('HubSpot unique-property and association index', () => {
  const portal = () => {
    const p = new HubSpotPortal();
    p.createProperty('contacts', {
      name: 'boucle_id',
      label: 'Boucle id',
      type: 'string',
      fieldType: 'text',
      groupName: 'default',
      hasUniqueValue: true,
    });
    return p;
  };

  it('creates again after the matched record was archived', () => {
    const p = portal();
    const first = p.upsert('contacts', 'boucle_id', 'c-1', { firstname: 'A' });
    p.archive('contacts', first.record.id);
    const again = p.upsert('contacts', 'boucle_id', 'c-1', { firstname: 'B' });
    expect(again.created).toBe(true);
    expect(again.record.id).not.toBe(first.record.id);
    expect(p.get('contacts', 'c-1', 'boucle_id').id).toBe(again.record.id);
  });

  it('finds restored records, and not those written after the snapshot, nor after reset', () => {
    const p = portal();
    const kept = p.upsert('contacts', 'boucle_id', 'c-1', {}).record;
    const snapshot = structuredClone(p.snapshot());
    p.upsert('contacts', 'boucle_id', 'c-2', {});
    p.restore(snapshot);
    expect(p.upsert('contacts', 'boucle_id', 'c-1', {})).toMatchObject({
      created: false,
      record: { id: kept.id },
    });
    expect(() => p.get('contacts', 'c-2', 'boucle_id')).toThrow('Object not found');
    p.reset();
    expect(() => p.get('contacts', 'c-1', 'boucle_id')).toThrow();
  });

  it('follows a unique value changed by an update, and refuses it on another record', () => {
    const p = portal();
    const a = p.upsert('contacts', 'boucle_id', 'c-1', {}).record;
    p.update('contacts', a.id, { boucle_id: 'c-9' });
    expect(p.get('contacts', 'c-9', 'boucle_id').id).toBe(a.id);
    const b = p.upsert('contacts', 'boucle_id', 'c-1', {});
    expect(b.created).toBe(true);
    expect(() => p.update('contacts', b.record.id, { boucle_id: 'c-9' })).toThrow(
      `already exists. Existing ID: ${a.id}`,
    );
  });

  it('lists associations in link order after unlink, relink and restore', () => {
    const p = portal();
    const contact = p.create('contacts', { properties: {} }).id;
    const companies = [1, 2, 3].map(
      (n) => p.create('companies', { properties: { name: `C${n}` } }).id,
    );
    for (const company of companies) p.link('contacts', contact, 'companies', company);
    p.unlink('contacts', contact, 'companies', companies[0] as string);
    p.link('contacts', contact, 'companies', companies[0] as string);
    const ids = () => p.associated('contacts', contact, 'companies').map((a) => a.toObjectId);
    expect(ids()).toEqual([companies[1], companies[2], companies[0]]);
    expect(p.associated('companies', companies[1] as string, 'contacts')).toHaveLength(1);
    const snapshot = structuredClone(p.snapshot());
    p.unlink('contacts', contact, 'companies', companies[1] as string);
    p.restore(snapshot);
    expect(ids()).toEqual([companies[1], companies[2], companies[0]]);
    p.reset();
    expect(p.associated('contacts', contact, 'companies')).toEqual([]);
  });
});
