import type { CrmCallbackState, RatingsReadBack } from '../adapter.ts';
import { crmKey } from '../keys.ts';
import type { ResolutionCache } from '../resolutionCache.ts';
import type { SalesforceClient } from './client.ts';
import {
  callbackState,
  RATING_READ_BACK_FIELDS,
  ratingFromRecord,
  salesforceInstant,
} from './mappers.ts';

/** Ratings read back per sweep; the rest come at the next one (the cursor moves by page). */
const RATINGS_PAGE = 2000;

/**
 * Callbacks as managers left them in Salesforce (the npsCallbackLogger writes there), by their
 * Salesforce keys, with who changed each last (`LastModifiedBy`: their name, else e-mail) and when.
 */
export async function readCallbacks(
  client: SalesforceClient,
  keys: readonly string[],
): Promise<Map<string, CrmCallbackState>> {
  const keyOf = new Map(keys.map((key) => [crmKey(key), key]));
  const records = await client.queryIn<
    {
      External_Id__c: string;
      LastModifiedDate?: string | null;
      LastModifiedBy?: { Name?: string | null; Email?: string | null } | null;
    } & Parameters<typeof callbackState>[0]
  >(
    (list) =>
      `SELECT External_Id__c, Status__c, Reached_At__c, Outcome__c, Root_Cause__c, Notes__c, Follow_Up_Action__c, LastModifiedDate, LastModifiedBy.Name, LastModifiedBy.Email FROM Callback__c WHERE External_Id__c IN (${list})`,
    [...keyOf.keys()],
  );
  const states = new Map<string, CrmCallbackState>();
  for (const record of records) {
    const state = callbackState(record);
    const key = keyOf.get(record.External_Id__c);
    if (!state || !key) continue;
    const by = record.LastModifiedBy?.Name || record.LastModifiedBy?.Email;
    const at = salesforceInstant(record.LastModifiedDate);
    states.set(key, { ...state, ...(by && { by }), ...(at && { at }) });
  }
  return states;
}

/**
 * `Response_Rating__c` records employees entered in the org, changed at or after `since` (by
 * SystemModstamp, which every change moves), oldest first, a page at a time. The cursor is cut
 * to the second (the SOQL date-time literal has no fraction), so records of its second come
 * again: re-reading one is idempotent. Employee__c is mapped to the user's e-mail (batched,
 * cached like the other resolutions).
 */
export async function readRatings(
  client: SalesforceClient,
  resolved: ResolutionCache,
  since: string | undefined,
): Promise<RatingsReadBack> {
  const from = since ? `${new Date(since).toISOString().slice(0, 19)}Z` : undefined;
  const records = await client.queries<Record<string, unknown>>([
    `SELECT ${RATING_READ_BACK_FIELDS} FROM Response_Rating__c WHERE External_Id__c LIKE 'salesforce:%'${from ? ` AND SystemModstamp >= ${from}` : ''} ORDER BY SystemModstamp ASC LIMIT ${RATINGS_PAGE}`,
  ]);
  const userIds = records
    .map((r) => r.Employee__c)
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  const emails = await resolved.get('userEmail', userIds, async (missing) => {
    const users = await client.queryIn<{ Id: string; Email?: string }>(
      (list) => `SELECT Id, Email FROM User WHERE Id IN (${list})`,
      missing,
    );
    return new Map(users.filter((u) => u.Email).map((u) => [u.Id, String(u.Email).toLowerCase()]));
  });
  const ratings = [];
  const problems: string[] = [];
  for (const record of records) {
    const read = ratingFromRecord(
      record,
      typeof record.Employee__c === 'string' ? emails.get(record.Employee__c) : undefined,
    );
    if ('rating' in read) ratings.push(read.rating);
    else if ('error' in read) problems.push(read.error);
  }
  const last = salesforceInstant(records.at(-1)?.SystemModstamp);
  return { ratings, problems, ...((last ?? since) && { cursor: last ?? since }) };
}
