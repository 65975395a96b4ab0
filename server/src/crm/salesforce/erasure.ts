import type { CrmError } from '../../errors.ts';
import type { ErasureOutcome, ErasureWrite, RecordResult } from '../adapter.ts';
import { crmKey } from '../keys.ts';
import type { CompositeRecord, SalesforceClient, SObject } from './client.ts';

/**
 * The fields of Boucle's records that hold or point at the person: cleared on every erasure, also
 * before a delete, since a deleted record sits in the org's Recycle Bin (15 days, readable by
 * `queryAll`) with its values. Scores, categories, dates, themes and accounts stay when
 * statistics are kept.
 */
const PERSONAL_FIELDS = {
  Survey_Response__c: { Comment__c: null, Contact__c: null },
  Response_Rating__c: { Comment__c: null },
  Callback__c: { Notes__c: null, Outcome__c: null, Follow_Up_Action__c: null, Contact__c: null },
} as const;

type ErasedObject = keyof typeof PERSONAL_FIELDS;

/**
 * Erases a person's records in Salesforce: finds Boucle's records by `External_Id__c` (one
 * Composite call of queries), clears their personal fields (Composite, sObject Collections
 * update by id), then, unless statistics are kept, deletes the survey responses and ratings
 * (sObject Collections delete, `SalesforceClient.destroy`). Callbacks are kept, redacted.
 */
export async function eraseInSalesforce(
  client: SalesforceClient,
  write: ErasureWrite,
): Promise<ErasureOutcome> {
  const find = async (object: ErasedObject, refs: readonly string[]) => {
    if (refs.length === 0) return [];
    const byKey = new Map(refs.map((ref) => [crmKey(ref), ref]));
    const rows = await client.queryIn<{ Id: string; External_Id__c: string }>(
      (list) => `SELECT Id, External_Id__c FROM ${object} WHERE External_Id__c IN (${list})`,
      [...byKey.keys()],
    );
    return rows.map((row) => ({
      object,
      id: row.Id,
      ref: byKey.get(row.External_Id__c) ?? row.External_Id__c,
    }));
  };
  const found = [
    ...(await find(
      'Survey_Response__c',
      write.answers.map((a) => a.ref),
    )),
    ...(await find(
      'Response_Rating__c',
      write.ratings.map((r) => r.ref),
    )),
    ...(await find(
      'Callback__c',
      write.callbacks.map((c) => c.id),
    )),
  ];
  const refused: { ref: string; error: CrmError }[] = [];
  const outcome = (results: Map<string, RecordResult>, refOf: (key: string) => string) => {
    for (const [key, result] of results) {
      if (result.ok) continue;
      // A call that failed as a whole says nothing of the records: the erasure runs again later.
      if (result.unsent) throw result.error;
      refused.push({ ref: refOf(key), error: result.error });
    }
  };
  const cleared: CompositeRecord[] = found.map((record) => ({
    key: record.id,
    record: {
      attributes: { type: record.object },
      id: record.id,
      ...PERSONAL_FIELDS[record.object],
    } as SObject,
  }));
  const refOfId = new Map(found.map((record) => [record.id, record.ref]));
  const byId = (id: string) => refOfId.get(id) ?? id;
  if (cleared.length > 0)
    outcome(await client.composite(cleared, 'PATCH', '/composite/sobjects'), byId);
  if (!write.keepStatistics) {
    const blocked = new Set(refused.map((r) => r.ref));
    for (const object of ['Survey_Response__c', 'Response_Rating__c'] as const) {
      const ids = found
        .filter((record) => record.object === object && !blocked.has(record.ref))
        .map((record) => record.id);
      if (ids.length > 0) outcome(await client.destroy(object, ids), byId);
    }
  }
  return { erased: found.length - new Set(refused.map((r) => r.ref)).size, refused };
}
