// The account's top irritants on the card: the themes the server wrote on each answer
// (Survey_Response__c.Themes__c, ids separated by semicolons) ranked by c/npsCore's topIrritants,
// the same code as the server's GET /v1/themes and the HubSpot company card: the themes most named
// by the unhappy answers (detractors; dissatisfied for CSAT, high effort for CES) of the window,
// each with its share of the unhappy answers, its 95% margin and its count.
import { classifyScore, topIrritants } from 'c/npsCore';
import { fieldValue as value, format, formatDecimal } from 'c/boucleUi';
import BOUCLE_IRRITANTS from '@salesforce/label/c.Boucle_Irritants';
import BOUCLE_IRRITANT from '@salesforce/label/c.Boucle_Irritant';
import BOUCLE_IRRITANT_NO_MARGIN from '@salesforce/label/c.Boucle_Irritant_No_Margin';

/** How many irritants the card shows, as the HubSpot card does. */
export const MAX_IRRITANTS = 3;
const DAY_MS = 86400000;
const METRICS = { NPS: 'nps', CSAT: 'csat', CES: 'ces' };
const UNHAPPY = new Set(['detractor', 'dissatisfied', 'high_effort']);

/**
 * The top irritants of the answers the card read (GraphQL edges) over the `windowDays` before
 * `now`, shaped for the template; `themeLabel` names a theme id in the user's language.
 * @returns `{ heading, items, hasItems }`, each item `{ key, label, text, unhappyCount, unhappyShare }`
 */
export function irritantsOf(edges, { now, windowDays = 90, themeLabel }) {
  const nowMs = Date.parse(now);
  const fromMs = nowMs - windowDays * DAY_MS;
  const answers = [];
  for (const { node } of edges) {
    const score = value(node.score);
    const at = Date.parse(value(node.answeredAt));
    if (!Number.isInteger(score) || !(at > fromMs && at <= nowMs)) continue;
    const metric = METRICS[value(node.metric)] ?? 'nps';
    answers.push({
      themes: (value(node.themes) ?? '').split(';').filter(Boolean),
      unhappy: UNHAPPY.has(classifyScore(metric, score)),
      period: 'current',
    });
  }
  const items = topIrritants(answers, MAX_IRRITANTS).map((irritant) => {
    const label = themeLabel(irritant.theme);
    const share = formatDecimal(irritant.unhappyShare);
    return {
      key: irritant.theme,
      label,
      unhappyCount: irritant.unhappyCount,
      unhappyShare: irritant.unhappyShare,
      // A margin of 0 is a sample without spread (one unhappy answer): too few to measure one.
      text:
        irritant.margin > 0
          ? format(
              BOUCLE_IRRITANT,
              label,
              share,
              formatDecimal(irritant.margin),
              irritant.unhappyCount,
            )
          : format(BOUCLE_IRRITANT_NO_MARGIN, label, share, irritant.unhappyCount),
    };
  });
  return { heading: BOUCLE_IRRITANTS, items, hasItems: items.length > 0 };
}
