import type { ScoreCategory } from '@boucle/shared';
import type { VerbatimAnalysis } from '@boucle/shared/themes';
import type { Crm, StoredCallback } from '../store/store.ts';

/**
 * The values both CRMs store the same way: Salesforce's picklists and HubSpot's enumeration
 * properties share them, so that reports read alike in either.
 */

/** A score's category as the `Category__c` picklist and `boucle_category` hold it. */
export const CATEGORY_VALUES: Record<ScoreCategory, string> = {
  promoter: 'Promoter',
  passive: 'Passive',
  detractor: 'Detractor',
  satisfied: 'Satisfied',
  neutral: 'Neutral',
  dissatisfied: 'Dissatisfied',
  low_effort: 'Low effort',
  medium_effort: 'Medium effort',
  high_effort: 'High effort',
};

/**
 * The themes of a verbatim as `Themes__c` and `boucle_themes` hold them: ids separated by
 * semicolons, as many whole themes as fit in `length` characters (a cut id would be a theme nobody
 * defined).
 */
export function themesField(
  analysis: VerbatimAnalysis | undefined,
  length = 255,
): string | undefined {
  if (!analysis) return undefined;
  let value = '';
  for (const { theme } of analysis.themes) {
    const next = value ? `${value};${theme}` : theme;
    if (next.length > length) break;
    value = next;
  }
  return value;
}

/** Where an outcome can be logged, as the note names it (English / French). */
const LOGGED_VIA: Record<Crm | 'api', { en: string; fr: string }> = {
  salesforce: { en: 'in Salesforce', fr: 'dans Salesforce' },
  hubspot: { en: 'in HubSpot', fr: 'dans HubSpot' },
  api: { en: "through Boucle's API", fr: "par l'API de Boucle" },
};

/**
 * The note a callback's record in one CRM carries when its outcome was logged elsewhere (the
 * other CRM, Boucle's API): where, by whom and when, in English and French (Boucle has no
 * locale per org or portal, so both, as the deleted-task note). None when it was logged in this
 * CRM itself, or not logged yet.
 */
export function loggedElsewhereNote(callback: StoredCallback, crm: Crm): string | undefined {
  const logged = callback.loggedIn;
  if (!logged || logged.via === crm) return undefined;
  const via = LOGGED_VIA[logged.via];
  const at = logged.at.slice(0, 16).replace('T', ' ');
  const by = logged.by ? { en: ` by ${logged.by}`, fr: ` par ${logged.by}` } : { en: '', fr: '' };
  return `Logged ${via.en}${by.en} on ${at} UTC: updated here by Boucle. / Consigné ${via.fr}${by.fr} le ${at} UTC : mis à jour ici par Boucle.`;
}

/** A callback's notes as one CRM's record shows them: with the note of where it was logged. */
export function notesFor(callback: StoredCallback, crm: Crm): string | undefined {
  const note = loggedElsewhereNote(callback, crm);
  if (!note) return callback.notes;
  return callback.notes ? `${callback.notes}\n${note}` : note;
}
