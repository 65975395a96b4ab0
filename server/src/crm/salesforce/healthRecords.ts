import type {
  CrmJobKind,
  ReplayRequestsReadBack,
  SyncErrorStatus,
  SyncErrorWrite,
  SyncHealthInCrm,
  SyncStatusWrite,
} from '../adapter.ts';
import type { Crm } from '../../store/store.ts';
import { crmKey } from '../keys.ts';
import type { SalesforceClient, SObject } from './client.ts';
import { salesforceInstant } from './mappers.ts';

/** Replay requests read back per sweep; the rest come at the next one (the cursor moves by page). */
const REPLAY_PAGE = 200;

const CRM_VALUES: Record<Crm, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };
const KIND_VALUES: Record<CrmJobKind, string> = {
  answer: 'Answer',
  rating: 'Rating',
  callback: 'Callback',
  rollup: 'Rollup',
};
const STATUS_VALUES: Record<SyncErrorStatus, string> = {
  open: 'Open',
  replayed: 'Replayed',
  resolved: 'Resolved',
};
/** Sync_Error__c.Error_Message__c holds 32,000 characters. */
const MESSAGE_LENGTH = 32_000;

/** The fields of the health records the server writes (for `missingFields` and the package test). */
export const HEALTH_FIELDS_WRITTEN: Readonly<Record<string, readonly string[]>> = {
  Sync_Error__c: [
    'External_Id__c',
    'CRM__c',
    'Job_Kind__c',
    'Boucle_Ref__c',
    'Status__c',
    'Job_Id__c',
    'Object__c',
    'Error_Code__c',
    'Error_Message__c',
    'Attempts__c',
    'First_Failed_At__c',
    'Last_Failed_At__c',
    'Record_Id__c',
    'Record_Link__c',
    'Resolved_At__c',
    'Replay_Requested__c',
  ],
  Sync_Status__c: [
    'External_Id__c',
    'Name',
    'CRM__c',
    'Job_Kind__c',
    'Object__c',
    'Last_Success_At__c',
    'Backlog__c',
    'Dead_Letters__c',
    'API_Calls_Today__c',
    'API_Daily_Limit__c',
    'Updated_At__c',
  ],
};

/**
 * A `Sync_Error__c` record. A status change alone (replayed, resolved) sends only the status and
 * what it changes, so what the org holds of the failure stays. The link is to the record in this
 * org, when it exists here.
 */
export function syncErrorRecord(item: SyncErrorWrite, instanceUrl: string): SObject {
  const inThisOrg = item.crm === 'salesforce' && item.recordId && item.object;
  return {
    attributes: { type: 'Sync_Error__c' },
    // Keys that fit Text(255), as every record's (a long ref gets its start and a hash).
    External_Id__c: crmKey(item.key),
    CRM__c: CRM_VALUES[item.crm],
    Job_Kind__c: KIND_VALUES[item.kind],
    Boucle_Ref__c: crmKey(item.ref),
    Status__c: STATUS_VALUES[item.status],
    ...(item.jobId !== undefined && { Job_Id__c: item.jobId }),
    ...(item.object !== undefined && { Object__c: item.object }),
    ...(item.errorCode !== undefined && { Error_Code__c: item.errorCode.slice(0, 255) }),
    ...(item.errorMessage !== undefined && {
      Error_Message__c: item.errorMessage.slice(0, MESSAGE_LENGTH),
    }),
    ...(item.attempts !== undefined && { Attempts__c: item.attempts }),
    ...(item.firstFailedAt !== undefined && { First_Failed_At__c: item.firstFailedAt }),
    ...(item.lastFailedAt !== undefined && { Last_Failed_At__c: item.lastFailedAt }),
    ...(item.status === 'open' && {
      Record_Id__c: inThisOrg ? item.recordId : null,
      Record_Link__c: inThisOrg
        ? `${instanceUrl}/lightning/r/${item.object}/${item.recordId}/view`
        : null,
      Resolved_At__c: null,
    }),
    ...(item.resolvedAt !== undefined && { Resolved_At__c: item.resolvedAt }),
    ...(item.replayDone && { Replay_Requested__c: false }),
  };
}

/** A `Sync_Status__c` record: the figures of one CRM and kind. */
export function syncStatusRecord(item: SyncStatusWrite): SObject {
  return {
    attributes: { type: 'Sync_Status__c' },
    External_Id__c: item.key,
    Name: `${CRM_VALUES[item.crm]} ${item.object}`.slice(0, 80),
    CRM__c: CRM_VALUES[item.crm],
    Job_Kind__c: KIND_VALUES[item.kind],
    Object__c: item.object,
    Last_Success_At__c: item.lastSuccessAt ?? null,
    Backlog__c: item.backlog,
    Dead_Letters__c: item.deadLetters,
    API_Calls_Today__c: item.apiCallsToday ?? null,
    API_Daily_Limit__c: item.apiDailyLimit ?? null,
    Updated_At__c: item.now,
  };
}

/** `Sync_Error__c` and `Sync_Status__c` in the org, through the one jsforce client. */
export class SalesforceHealthRecords implements SyncHealthInCrm {
  constructor(private readonly client: SalesforceClient) {}

  async writeSyncErrors(items: readonly SyncErrorWrite[]) {
    const instanceUrl = await this.client.instanceUrl();
    return this.client.composite(
      items.map((item) => ({ key: item.key, record: syncErrorRecord(item, instanceUrl) })),
      'PATCH',
      '/composite/sobjects/Sync_Error__c/External_Id__c',
    );
  }

  /**
   * `Sync_Error__c` records an admin ticked for replay, changed at or after `since` (by
   * LastModifiedDate, which the tick moves), oldest first, a page at a time. The cursor is cut to
   * the second (the SOQL date-time literal has no fraction): records of its second come again,
   * and a replay done clears the tick, so none is replayed twice.
   */
  async readReplayRequests(since: string | undefined): Promise<ReplayRequestsReadBack> {
    const from = since ? `${new Date(since).toISOString().slice(0, 19)}Z` : undefined;
    const records = await this.client.queries<{
      External_Id__c?: string;
      LastModifiedDate?: string;
    }>([
      `SELECT External_Id__c, LastModifiedDate FROM Sync_Error__c WHERE Replay_Requested__c = true${from ? ` AND LastModifiedDate >= ${from}` : ''} ORDER BY LastModifiedDate ASC LIMIT ${REPLAY_PAGE}`,
    ]);
    const last = salesforceInstant(records.at(-1)?.LastModifiedDate);
    return {
      keys: records
        .map((record) => record.External_Id__c)
        .filter((key): key is string => typeof key === 'string' && key.length > 0),
      ...((last ?? since) && { cursor: last ?? since }),
    };
  }

  writeSyncStatus(items: readonly SyncStatusWrite[]) {
    return this.client.composite(
      items.map((item) => ({ key: item.key, record: syncStatusRecord(item) })),
      'PATCH',
      '/composite/sobjects/Sync_Status__c/External_Id__c',
    );
  }
}
