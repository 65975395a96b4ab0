import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import {
  namespacePath,
  namespaceRecord,
  namespaceSoql,
  namespacedName,
  stripNamespace,
} from '../../src/crm/salesforce/namespace.ts';
import { callbackRecord } from '../../src/crm/salesforce/mappers.ts';

describe('Salesforce names under a managed package namespace', () => {
  it.each([
    ['Survey_Response__c', 'bcl__Survey_Response__c'],
    ['Account__r', 'bcl__Account__r'],
    ['Alert_Threshold__mdt', 'bcl__Alert_Threshold__mdt'],
    ['Account', 'Account'],
    ['OwnerId', 'OwnerId'],
    ['other__Score__c', 'other__Score__c'],
  ])('names %s as %s', (name, expected) => {
    expect(namespacedName(name, 'bcl')).toBe(expected);
  });

  it('prefixes the custom names of SOQL, not its string literals or standard names', () => {
    expect(
      namespaceSoql(
        "SELECT External_Id__c, Account__r.Name, Owner.ManagerId FROM Callback__c WHERE Status__c = 'Open__c' AND External_Id__c IN ('a')",
        'bcl',
      ),
    ).toBe(
      "SELECT bcl__External_Id__c, bcl__Account__r.Name, Owner.ManagerId FROM bcl__Callback__c WHERE bcl__Status__c = 'Open__c' AND bcl__External_Id__c IN ('a')",
    );
  });

  it('prefixes what the server writes: record keys, type and upsert path', () => {
    const record = callbackRecord({
      callback: {
        id: 'c',
        crm: 'salesforce',
        answerRef: 'api:a',
        answerId: 'a',
        kind: 'detractor',
        status: 'open',
        slaHours: 24,
        createdAt: '2026-11-20T09:00:00Z',
        dueAt: '2026-11-21T09:00:00Z',
        links: [],
      },
      link: { crm: 'salesforce', key: 'c' },
      answerCrmId: 'a01',
      resolution: { accountId: '001', contactId: '003' },
    } as never);
    const namespaced = namespaceRecord(record, 'bcl');
    expect(namespaced.attributes).toEqual({ type: 'bcl__Callback__c' });
    expect(namespaced).toHaveProperty('bcl__External_Id__c', 'c');
    expect(namespaced).not.toHaveProperty('External_Id__c');
    expect(namespacePath('/composite/sobjects/Callback__c/External_Id__c', 'bcl')).toBe(
      '/composite/sobjects/bcl__Callback__c/bcl__External_Id__c',
    );
  });

  it('strips the prefix from what Salesforce answers, parents included', () => {
    expect(
      stripNamespace(
        [
          {
            attributes: { type: 'bcl__Callback__c' },
            bcl__Status__c: 'Open',
            bcl__Account__r: { Name: 'Acme', bcl__NPS_Score__c: 20 },
            OwnerId: '005',
          },
        ],
        'bcl',
      ),
    ).toEqual([
      {
        attributes: { type: 'Callback__c' },
        Status__c: 'Open',
        Account__r: { Name: 'Acme', NPS_Score__c: 20 },
        OwnerId: '005',
      },
    ]);
  });

  it('changes nothing without a namespace', () => {
    const soql = 'SELECT Score__c FROM Survey_Response__c';
    expect(namespaceSoql(soql)).toBe(soql);
    expect(namespaceRecord({ Score__c: 1 })).toEqual({ Score__c: 1 });
  });
});

describe('SALESFORCE_NAMESPACE', () => {
  const base = {
    SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
    SALESFORCE_CLIENT_ID: 'id',
    SALESFORCE_CLIENT_SECRET: 'secret',
    BOUCLE_API_KEY: 'k'.repeat(32),
  };

  it('gives the Salesforce adapter the namespace prefix', () => {
    expect(loadConfig({ ...base, SALESFORCE_NAMESPACE: 'bcl' }).salesforce?.namespace).toBe('bcl');
    expect(loadConfig(base).salesforce?.namespace).toBeUndefined();
  });

  it.each(['bcl__', '9bcl', 'b c', 'a_very_long_namespace'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(() => loadConfig({ ...base, SALESFORCE_NAMESPACE: value })).toThrow(
        /SALESFORCE_NAMESPACE/,
      );
    },
  );
});
