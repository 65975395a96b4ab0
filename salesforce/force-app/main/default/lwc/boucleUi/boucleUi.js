// What the Boucle components share about the platform and the page (the domain itself is in
// c/npsCore): reading GraphQL field values, wording Salesforce errors, and the SLA badges.
import BOUCLE_OVERDUE from '@salesforce/label/c.Boucle_Overdue';
import BOUCLE_DUE_SOON from '@salesforce/label/c.Boucle_Due_Soon';
import BOUCLE_ON_TIME from '@salesforce/label/c.Boucle_On_Time';
import BOUCLE_QUEUE_SLA_MET from '@salesforce/label/c.Boucle_Queue_Sla_Met';
import BOUCLE_QUEUE_SLA_MISSED from '@salesforce/label/c.Boucle_Queue_Sla_Missed';

/** The value of a GraphQL (UI API) field node, or null. */
export function fieldValue(field) {
  return field ? field.value : null;
}

/**
 * What Salesforce said, from a Lightning Data Service error (record and field errors of
 * createRecord / updateRecord / getRecord) or a GraphQL wire's `errors` array; '' when it said
 * nothing readable.
 */
export function errorMessage(error) {
  if (Array.isArray(error)) {
    return error
      .map((e) => e && e.message)
      .filter(Boolean)
      .join(' ');
  }
  const output = error?.body?.output;
  const messages = [
    ...(output?.errors ?? []),
    ...Object.values(output?.fieldErrors ?? {}).flat(),
  ].map((e) => e && e.message);
  if (messages.some(Boolean)) return messages.filter(Boolean).join(' ');
  return error?.body?.message || error?.message || '';
}

/** Whether Salesforce refused a record because a unique field already holds its value. */
export function isDuplicateValue(error) {
  const output = error?.body?.output;
  return [...(output?.errors ?? []), ...Object.values(output?.fieldErrors ?? {}).flat()].some(
    (e) => e && e.errorCode === 'DUPLICATE_VALUE',
  );
}

/** How each SLA status of c/npsCore's slaStatus shows, and its rank in a queue (late first). */
export const SLA_BADGES = {
  overdue: { label: BOUCLE_OVERDUE, className: 'slds-badge slds-theme_error', rank: 0 },
  due_soon: { label: BOUCLE_DUE_SOON, className: 'slds-badge slds-theme_warning', rank: 1 },
  on_time: { label: BOUCLE_ON_TIME, className: 'slds-badge slds-theme_success', rank: 2 },
  missed: { label: BOUCLE_QUEUE_SLA_MISSED, className: 'slds-badge', rank: 3 },
  met: { label: BOUCLE_QUEUE_SLA_MET, className: 'slds-badge', rank: 4 },
};
