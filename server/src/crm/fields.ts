import type { ScoreCategory } from '@boucle/shared';
import type { VerbatimAnalysis } from '@boucle/shared/themes';

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
