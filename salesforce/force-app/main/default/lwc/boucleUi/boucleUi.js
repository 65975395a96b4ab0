// What the Boucle components share about the platform and the page (the domain itself is in
// c/npsCore): reading GraphQL field values, wording Salesforce errors, dates in the user's
// Salesforce locale and time zone, record links, and the SLA badges.
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import BOUCLE_OVERDUE from '@salesforce/label/c.Boucle_Overdue';
import BOUCLE_DUE_SOON from '@salesforce/label/c.Boucle_Due_Soon';
import BOUCLE_ON_TIME from '@salesforce/label/c.Boucle_On_Time';
import BOUCLE_QUEUE_SLA_MET from '@salesforce/label/c.Boucle_Queue_Sla_Met';
import BOUCLE_QUEUE_SLA_MISSED from '@salesforce/label/c.Boucle_Queue_Sla_Missed';
import { NavigationMixin } from 'lightning/navigation';

/** The value of a GraphQL (UI API) field node, or null. */
export function fieldValue(field) {
  return field ? field.value : null;
}

/**
 * What a user reads of a GraphQL field node: its `displayValue` (a picklist value's translated
 * label) when Salesforce gives one, else its value.
 */
export function fieldLabel(field) {
  if (!field) return null;
  return field.displayValue ?? field.value;
}

/** A custom label with `{0}`, `{1}`… placeholders filled in. */
export function format(template, ...values) {
  return template.replace(/\{(\d+)\}/g, (match, i) => {
    const value = values[Number(i)];
    return value === undefined ? match : String(value);
  });
}

// The user's Salesforce settings, not the browser's: a French user on an English laptop reads
// French dates in their own time zone.
const DATE_TIME = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: TIME_ZONE,
});
const DATE = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: TIME_ZONE });

/** An instant as a date and time in the user's Salesforce locale and time zone ('' if none). */
export function formatDateTime(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : '';
}

/** An instant as a date in the user's Salesforce locale and time zone ('' if none). */
export function formatDate(iso) {
  return iso ? DATE.format(new Date(iso)) : '';
}

// Figures as every Boucle display shows them (one decimal, c/npsCore's rounding), written the
// user's way: "+52.9" in English, "+52,9" in French.
const POINTS = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const DECIMAL = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const PERCENT = new Intl.NumberFormat(LOCALE, {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const MONTH = new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** An NPS or a delta in points, signed, one decimal, in the user's locale ('—' if none). */
export function formatPoints(n) {
  return n === null || n === undefined ? '—' : POINTS.format(n);
}

/** A margin or a share, one decimal, in the user's locale ('—' if none). */
export function formatDecimal(n) {
  return n === null || n === undefined ? '—' : DECIMAL.format(n);
}

/** A share in percent (0–100), one decimal, the user's way: "66.7%", "66,7 %" ('—' if none). */
export function formatPercent(n) {
  return n === null || n === undefined ? '—' : PERCENT.format(n / 100);
}

/** A month key of c/npsCore's trend ("2026-12") as the user reads it ("Dec 2026", "déc. 2026"). */
export function formatMonth(key) {
  const [year, month] = String(key).split('-').map(Number);
  return year && month ? MONTH.format(new Date(Date.UTC(year, month - 1, 1))) : String(key);
}

/** The page reference of a record's page, for NavigationMixin (namespace-proof, unlike a URL). */
export function recordPage(recordId, objectApiName) {
  return {
    type: 'standard__recordPage',
    attributes: { recordId, objectApiName, actionName: 'view' },
  };
}

/**
 * Fills `component.urls` (record id → URL, the links' href) with the record page URL of each node
 * of `edges` it has not asked for yet, from NavigationMixin; the component mixes NavigationMixin in.
 */
export function generateRecordUrls(component, edges, objectApiName) {
  for (const { node } of edges) {
    if (component.urls[node.Id]) continue;
    component[NavigationMixin.GenerateUrl](recordPage(node.Id, objectApiName)).then((url) => {
      component.urls = { ...component.urls, [node.Id]: url };
    });
  }
}

/** Opens the record page a link's `data-id` names through NavigationMixin, not its href. */
export function openRecordPage(component, event, objectApiName) {
  event.preventDefault();
  component[NavigationMixin.Navigate](recordPage(event.currentTarget.dataset.id, objectApiName));
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
