import type { Connection } from 'jsforce';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixture } from './helpers.ts';
import { VERSION, connect, seed, useSalesforceEmulator } from './salesforceHarness.ts';

useSalesforceEmulator();

describe('SOQL', () => {
  let conn: Connection;
  beforeEach(async () => {
    conn = await connect();
    const [acme, globex] = (
      await seed({
        Account: [
          { Name: 'Acme', Website: 'acme.example' },
          { Name: 'Globex', Website: 'globex.example' },
        ],
      })
    ).Account as { id: string }[];
    const manager = (
      await seed({
        User: [{ Username: 'boss@vendor.example', LastName: 'Boss', Email: 'boss@vendor.example' }],
      })
    ).User?.[0] as { id: string };
    await seed({
      User: [
        {
          Username: 'rep@vendor.example',
          LastName: 'Rep',
          Email: 'rep@vendor.example',
          ManagerId: manager.id,
        },
      ],
    });
    await seed({
      Contact: [
        {
          LastName: 'Martin',
          FirstName: 'Claire',
          Email: 'claire@acme.example',
          AccountId: acme?.id,
        },
        { LastName: 'Durand', Email: 'luc@globex.example', AccountId: globex?.id },
        { LastName: 'Orphan', Email: 'o@nowhere.example' },
      ],
    });
    await seed({
      Survey_Response__c: [
        {
          External_Id__c: 'r1',
          Score__c: 3,
          Account__c: acme?.id,
          Touchpoint__c: 'after-sale',
          Answered_At__c: new Date().toISOString(),
        },
        {
          External_Id__c: 'r2',
          Score__c: 9,
          Account__c: acme?.id,
          Touchpoint__c: 'pre-sale',
          Answered_At__c: '2020-01-15T10:00:00Z',
        },
        { External_Id__c: 'r3', Score__c: 7, Account__c: globex?.id },
      ],
    });
  });

  const ids = async (soql: string) =>
    (await conn.query<{ External_Id__c: string }>(soql)).records.map((r) => r.External_Id__c);

  it.each([
    ['WHERE Score__c < 5', ['r1']],
    ['WHERE Score__c >= 7 ORDER BY Score__c DESC', ['r2', 'r3']],
    ['WHERE Score__c != 9 ORDER BY External_Id__c', ['r1', 'r3']],
    ['WHERE Score__c <> 9 AND Touchpoint__c = null', ['r3']],
    ["WHERE External_Id__c IN ('r1', 'r3') ORDER BY External_Id__c", ['r1', 'r3']],
    ["WHERE External_Id__c NOT IN ('r1', 'r3')", ['r2']],
    ["WHERE Touchpoint__c LIKE 'AFTER%'", ['r1']],
    ["WHERE (Score__c = 3 OR Score__c = 7) AND NOT Touchpoint__c = 'after-sale'", ['r3']],
    ["WHERE Account__r.Name = 'Acme' ORDER BY External_Id__c", ['r1', 'r2']],
    ['WHERE Answered_At__c = LAST_N_DAYS:30', ['r1']],
    ['WHERE Answered_At__c < 2021-01-01T00:00:00Z', ['r2']],
    ['WHERE Answered_At__c = TODAY', ['r1']],
    ['ORDER BY Touchpoint__c NULLS LAST, External_Id__c LIMIT 2', ['r1', 'r2']],
    ['ORDER BY External_Id__c LIMIT 1 OFFSET 1', ['r2']],
  ])('filters %s', async (clause, expected) => {
    expect(await ids(`SELECT External_Id__c FROM Survey_Response__c ${clause}`)).toEqual(expected);
  });

  it('reads parent fields as nested records, null when there is no parent', async () => {
    const result = await conn.query<Record<string, unknown>>(
      'SELECT Email, Account.Name, Account.OwnerId FROM Contact ORDER BY Email',
    );
    expect(result.records[0]).toMatchObject({
      Email: 'claire@acme.example',
      Account: { attributes: { type: 'Account' }, Name: 'Acme' },
    });
    expect(result.records[2]).toMatchObject({ Email: 'o@nowhere.example', Account: null });
    const reps = await conn.query<Record<string, unknown>>(
      "SELECT Username, Manager.Username FROM User WHERE Username = 'rep@vendor.example'",
    );
    expect(reps.records[0]).toMatchObject({ Manager: { Username: 'boss@vendor.example' } });
  });

  it('counts with COUNT() and reads custom metadata', async () => {
    expect(
      (await conn.query('SELECT COUNT() FROM Survey_Response__c WHERE Score__c > 5')).totalSize,
    ).toBe(2);
    const thresholds = await conn.query<Record<string, unknown>>(
      'SELECT DeveloperName, Metric__c, Min_Score__c, Max_Score__c, Callback_SLA_Hours__c, Assign_To__c FROM Alert_Threshold__mdt WHERE Active__c = true ORDER BY DeveloperName',
    );
    expect(
      thresholds.records.map((r) => [
        r.DeveloperName,
        r.Min_Score__c,
        r.Max_Score__c,
        r.Callback_SLA_Hours__c,
      ]),
    ).toEqual([
      ['Detractor_Callback', 0, 6, 24],
      ['Dissonance_Review', 0, 8, 48],
      ['Promoter_Thanks', 9, 10, 72],
    ]);
  });

  it.each([
    [
      'SELECT Bogus__c FROM Account',
      'INVALID_FIELD',
      "No such column 'Bogus__c' on entity 'Account'",
    ],
    ['SELECT Id FROM Nothing__c', 'INVALID_TYPE', "sObject type 'Nothing__c' is not supported"],
    ['SELECT Id FROM Account WHERE', 'MALFORMED_QUERY', 'unexpected end of query'],
    [
      'SELECT Id FROM Account WHERE Name = ',
      'MALFORMED_QUERY',
      'unexpected end of query, expected a value',
    ],
    ["SELECT Id FROM Account WHERE Name = 'x", 'MALFORMED_QUERY', 'unterminated string'],
    [
      'SELECT Nope__r.Name FROM Account',
      'INVALID_FIELD',
      "Didn't understand relationship 'Nope__r'",
    ],
  ])('refuses %s with %s', async (soql, errorCode, message) => {
    const error = await conn.query(soql).then(
      () => undefined,
      (e: Error & { errorCode?: string }) => e,
    );
    expect(error).toMatchObject({ errorCode });
    expect(error?.message).toContain(message);
  });

  it('pages at 2,000 rows with nextRecordsUrl, as jsforce follows it', async () => {
    await seed({ Account: Array.from({ length: 4_500 }, (_, i) => ({ Name: `Account ${i}` })) });
    const first = await conn.query('SELECT Id, Name FROM Account');
    expect(first).toMatchObject({ totalSize: 4_502, done: false });
    expect(first.records).toHaveLength(2_000);
    // jsforce reports the locator URL absolute; the emulator sends it relative, as Salesforce does.
    expect(first.nextRecordsUrl).toMatch(new RegExp(`/services/data/v${VERSION}/query/\\w+-2000$`));
    const all = await conn.query('SELECT Id FROM Account', { autoFetch: true, maxFetch: 10_000 });
    expect(all.records).toHaveLength(4_502);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(4_502);
    expect(
      (await conn.query('SELECT Id FROM Account LIMIT 10', { scanAll: true })).records,
    ).toHaveLength(10);
    const fixtureShape = fixture('salesforce/query.response.json');
    expect(Object.keys(first).sort()).toEqual(Object.keys(fixtureShape).sort());
  });
});
