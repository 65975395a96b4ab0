import { createHash } from 'node:crypto';

/**
 * What a CRM key holds: `External_Id__c` is Text(255) on Survey_Response__c, Response_Rating__c
 * and Callback__c (salesforce/force-app/main/default/objects/<object>/fields/
 * External_Id__c.field-meta.xml); HubSpot's `boucle_external_id` (up to 65,536 characters) gets
 * the same key, so that both CRMs name a record alike.
 */
export const CRM_KEY_LENGTH = 255;

/**
 * The key a record is upserted by in a CRM: Boucle's own key (`source:id`, a callback's
 * `crm:source:id:kind`) when it fits, else its start and a SHA-256 suffix of the whole, so that
 * any accepted id gets a stable key that fits, and two long ids never share one.
 */
export function crmKey(key: string, max = CRM_KEY_LENGTH): string {
  if (key.length <= max) return key;
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  let cut = max - digest.length - 1;
  // Never cut a character in two (a UTF-16 surrogate pair).
  if (/[\uD800-\uDBFF]/.test(key.charAt(cut - 1))) cut--;
  return `${key.slice(0, cut)}#${digest}`;
}
