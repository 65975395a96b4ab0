// What the company card's charts draw, shaped from the server's summary: pure functions, as
// HubSpot's charts example keeps them apart from the card (LineChart and BarChart take rows of
// plain values). Every figure is the server's (shared/, rounded).
import { touchpointLabel } from './boucle-core.js';
import { hasMargin } from './format.js';

/**
 * The monthly trend as LineChart rows: one line for the NPS of the months with answers, and two
 * for the edges of its 95% margin (NPS ± margin, kept within −100…100) over the months whose
 * sample has a spread: HubSpot's charts draw lines and bars, not areas, so the band is its two
 * edges.
 * @param trend the summary's months, oldest first
 * @param fmt the card's formatters
 * @param t the card's translator
 */
export function trendChartRows(trend, fmt, t) {
  const clamp = (n) => Math.max(-100, Math.min(100, Math.round(n * 10) / 10));
  const rows = [];
  for (const month of trend) {
    if (month.nps === null || month.n === 0) continue;
    const label = fmt.month(month.key);
    rows.push({ month: label, nps: month.nps, series: t('seriesNps') });
    if (hasMargin(month)) {
      rows.push({ month: label, nps: clamp(month.nps + month.margin), series: t('seriesHigh') });
      rows.push({ month: label, nps: clamp(month.nps - month.margin), series: t('seriesLow') });
    }
  }
  return rows;
}

/**
 * The journey as BarChart rows: one bar per touchpoint with answers, by its label in the user's
 * language, coloured by its target status (in words, for the legend).
 * @param journey the summary's journey steps
 * @param fmt the card's formatters
 * @param t the card's translator
 */
export function touchpointChartRows(journey, fmt, t) {
  return journey
    .filter((step) => step.n > 0 && step.nps !== null)
    .map((step) => ({
      touchpoint:
        step.kind === 'unspecified'
          ? t('unspecified')
          : step.kind === 'unknown'
            ? t('unknownTouchpoint', { label: step.labelEn })
            : touchpointLabel(step, fmt.locale),
      nps: step.nps,
      status: t(`status_${step.status?.nps ?? 'none'}`),
    }));
}

/** The colours of the touchpoint bars by status (the legend says the status in words). */
export function statusColors(t) {
  return {
    [t('status_met')]: 'green',
    [t('status_missed')]: 'darkOrange',
    [t('status_not_enough')]: 'blue',
    [t('status_none')]: 'purple',
  };
}
