import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CrmAdapter, SyncHealthInCrm } from '../../src/crm/adapter.ts';
import { syncErrorRecord, syncStatusRecord } from '../../src/crm/salesforce/healthRecords.ts';
import { crmErrorOf, parseSyncErrorKey, syncErrorKey } from '../../src/health/crmSyncErrors.ts';
import {
  CrmSyncStatus,
  STATUS_HEARTBEAT_MS,
  syncStatusWrites,
} from '../../src/health/crmSyncStatus.ts';

describe('the sync errors’ keys and errors', () => {
  it.each([
    [
      'FIELD_CUSTOM_VALIDATION_EXCEPTION: Touchpoint is mandatory',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      'Touchpoint is mandatory',
    ],
    [
      'after 20 attempts: UNABLE_TO_LOCK_ROW: unable to obtain exclusive access',
      'UNABLE_TO_LOCK_ROW',
      'unable to obtain exclusive access',
    ],
    [
      'VALIDATION_ERROR: Property "x" does not exist: a: b',
      'VALIDATION_ERROR',
      'Property "x" does not exist: a: b',
    ],
    ['the CRM said nothing useful', 'UNKNOWN', 'the CRM said nothing useful'],
  ])('reads %j as the CRM’s code and message', (lastError, code, message) => {
    expect(crmErrorOf(lastError)).toEqual({ code, message });
  });

  it('keys a record by CRM, kind and ref, a ref with colons included, and reads the key back', () => {
    const key = syncErrorKey({ crm: 'salesforce', kind: 'answer', ref: 'api:ans:1' });
    expect(key).toBe('salesforce:answer:api:ans:1');
    expect(parseSyncErrorKey(key)).toEqual({ crm: 'salesforce', kind: 'answer', ref: 'api:ans:1' });
  });

  it.each(['fetch:answer:api:1', 'salesforce:note:x', 'salesforce:answer:', 'org'])(
    'reads no record from the key %j, which Boucle does not write',
    (key) => {
      expect(parseSyncErrorKey(key)).toBeUndefined();
    },
  );
});

describe('Sync_Error__c records', () => {
  const failure = {
    key: 'salesforce:callback:cb-1',
    crm: 'salesforce' as const,
    kind: 'callback' as const,
    ref: 'cb-1',
    status: 'open' as const,
    jobId: 7,
    object: 'Callback__c',
    errorCode: 'ENTITY_IS_DELETED',
    errorMessage: 'entity is deleted',
    attempts: 1,
    firstFailedAt: '2026-12-01T10:00:00.000Z',
    lastFailedAt: '2026-12-01T11:00:00.000Z',
    recordId: 'a0300000000001AAA',
  };

  it('links an open error to its record in the org', () => {
    expect(syncErrorRecord(failure, 'https://acme.my.salesforce.com')).toMatchObject({
      Record_Id__c: 'a0300000000001AAA',
      Record_Link__c:
        'https://acme.my.salesforce.com/lightning/r/Callback__c/a0300000000001AAA/view',
      Status__c: 'Open',
      Resolved_At__c: null,
    });
  });

  it('links no record of another CRM', () => {
    const record = syncErrorRecord(
      {
        ...failure,
        key: 'hubspot:callback:cb-1',
        crm: 'hubspot',
        object: 'tasks',
        recordId: '901',
      },
      'https://acme.my.salesforce.com',
    );
    expect(record).toMatchObject({ CRM__c: 'HubSpot', Record_Id__c: null, Record_Link__c: null });
  });

  it('sends only the status when an error is resolved, so the org keeps what failed', () => {
    const record = syncErrorRecord(
      {
        key: failure.key,
        crm: 'salesforce',
        kind: 'callback',
        ref: 'cb-1',
        status: 'resolved',
        resolvedAt: '2026-12-01T12:00:00.000Z',
        replayDone: true,
      },
      'https://acme.my.salesforce.com',
    );
    expect(record).toEqual({
      attributes: { type: 'Sync_Error__c' },
      External_Id__c: failure.key,
      CRM__c: 'Salesforce',
      Job_Kind__c: 'Callback',
      Boucle_Ref__c: 'cb-1',
      Status__c: 'Resolved',
      Resolved_At__c: '2026-12-01T12:00:00.000Z',
      Replay_Requested__c: false,
    });
  });

  it('cuts a message to the 32,000 characters the field holds', () => {
    const record = syncErrorRecord({ ...failure, errorMessage: 'x'.repeat(40_000) }, '');
    expect(String(record.Error_Message__c)).toHaveLength(32_000);
  });
});

describe('Sync_Status__c records', () => {
  const health = {
    crms: [
      {
        crm: 'salesforce' as const,
        apiBudget: { used: 120, limit: 100_000 },
        objects: [
          {
            kind: 'answer' as const,
            lastSyncedAt: '2026-12-01T10:00:00.000Z',
            backlog: 3,
            deadLetters: 1,
          },
          { kind: 'rating' as const, lastSyncedAt: null, backlog: 0, deadLetters: 0 },
        ],
      },
      {
        crm: 'hubspot' as const,
        apiBudget: null,
        objects: [{ kind: 'answer' as const, lastSyncedAt: null, backlog: 0, deadLetters: 0 }],
      },
    ],
  };
  const now = Date.parse('2026-12-01T10:01:00.000Z');

  it('holds one record per CRM and kind, named for admins, with the CRM’s API budget', () => {
    const records = syncStatusWrites(health, now).map(syncStatusRecord);
    expect(records.map((r) => [r.External_Id__c, r.Name])).toEqual([
      ['salesforce:answer', 'Salesforce Survey_Response__c'],
      ['salesforce:rating', 'Salesforce Response_Rating__c'],
      ['hubspot:answer', 'HubSpot boucle_survey_response'],
    ]);
    expect(records[0]).toMatchObject({
      Last_Success_At__c: '2026-12-01T10:00:00.000Z',
      Backlog__c: 3,
      Dead_Letters__c: 1,
      API_Calls_Today__c: 120,
      API_Daily_Limit__c: 100_000,
      Updated_At__c: '2026-12-01T10:01:00.000Z',
    });
    // Never synced, and a budget not reported yet: blank, not zero.
    expect(records[1]).toMatchObject({ Last_Success_At__c: null });
    expect(records[2]).toMatchObject({ API_Calls_Today__c: null, API_Daily_Limit__c: null });
  });
});

describe('CrmSyncStatus', () => {
  const figures = (backlog: number) => ({
    crms: [
      {
        crm: 'salesforce' as const,
        apiBudget: { used: backlog * 10, limit: 1000 },
        objects: [{ kind: 'answer' as const, lastSyncedAt: null, backlog, deadLetters: 0 }],
      },
    ],
  });
  function setup() {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    let backlog = 1;
    const written: string[] = [];
    const records: SyncHealthInCrm = {
      writeSyncErrors: async () => new Map(),
      readReplayRequests: async () => ({ keys: [] }),
      writeSyncStatus: async (items) => {
        written.push(...items.map((item) => `${item.key}=${item.backlog}`));
        return new Map(items.map((item) => [item.key, { ok: true as const, crmId: 'a0' }]));
      },
    };
    const status = new CrmSyncStatus({
      adapters: [{ crm: 'salesforce', healthRecords: records } as unknown as CrmAdapter],
      logger: pino({ level: 'silent' }),
      clock: () => now,
      summary: async () => figures(backlog),
    });
    return {
      status,
      written,
      later: (ms: number) => (now += ms),
      backlogIs: (n: number) => (backlog = n),
    };
  }

  it('writes when a figure changes, the API calls used aside', async () => {
    const { status, written, later, backlogIs } = setup();
    expect(await status.sweep()).toEqual(['salesforce']);
    later(60_000);
    expect(await status.sweep()).toEqual([]);
    backlogIs(2);
    expect(await status.sweep()).toEqual(['salesforce']);
    expect(written).toEqual(['salesforce:answer=1', 'salesforce:answer=2']);
  });

  it('writes unchanged figures again after 5 minutes, so the component can tell Boucle stopped', async () => {
    const { status, written, later } = setup();
    await status.sweep();
    later(STATUS_HEARTBEAT_MS - 1);
    expect(await status.sweep()).toEqual([]);
    later(1);
    expect(await status.sweep()).toEqual(['salesforce']);
    expect(written).toHaveLength(2);
  });
});
