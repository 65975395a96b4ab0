// Figures and dates as the HubSpot user reads them: in the user's HubSpot locale
// (`context.user.locale`) and the portal's time zone (`context.portal.timezone`), not the
// browser's: "+52,9" and "2 déc. 2026" for a French user.
import { sampleVerdict } from './boucle-core.js';

/** A time zone Intl knows, or UTC. */
function zoneOf(timeZone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** A locale Intl knows ("fr-fr" and "fr" are), or English. */
function localeOf(locale) {
  try {
    return Intl.getCanonicalLocales(locale || 'en')[0];
  } catch {
    return 'en';
  }
}

/**
 * The formatters of a card, from its HubSpot context. Figures have at most one decimal, as the
 * server rounds them (c.f. shared's roundOneDecimal), so "+100" stays "+100" and 52.94 reads
 * "+52.9".
 * @param context the extension's context (`user.locale`, `portal.timezone`)
 */
export function formatterFor(context) {
  const locale = localeOf(context?.user?.locale);
  const timeZone = zoneOf(context?.portal?.timezone ?? 'UTC');
  const key = `${locale}|${timeZone}`;
  // Built once per locale and zone: Intl formatters are costly to make on every render.
  if (!FORMATTERS.has(key)) FORMATTERS.set(key, makeFormatter(locale, timeZone));
  return FORMATTERS.get(key);
}

const FORMATTERS = new Map();

function makeFormatter(locale, timeZone) {
  const points = new Intl.NumberFormat(locale, {
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const decimal = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const month = new Intl.DateTimeFormat(locale, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const none = (n) => n === null || n === undefined;
  return {
    locale,
    /** An NPS or a delta, signed ('—' if none). */
    points: (n) => (none(n) ? '—' : points.format(Math.round(n * 10) / 10)),
    /** A margin or a share, one decimal ('—' if none). */
    decimal: (n) => (none(n) ? '—' : decimal.format(n)),
    /** A share in percent, one decimal, the locale's way ("66.7%", "66,7 %"; '—' if none). */
    percent: (n) => (none(n) ? '—' : percent.format(n / 100)),
    /** An instant as a date in the portal's time zone ('' if none). */
    date: (iso) => (iso ? date.format(new Date(iso)) : ''),
    /** A trend month key ("2026-12") as a month ("Dec 2026", "déc. 2026"). */
    month: (key) => {
      const [y, m] = String(key).split('-').map(Number);
      return y && m ? month.format(new Date(Date.UTC(y, m - 1, 1))) : String(key);
    },
  };
}

/**
 * Whether a sample's margin may be shown: not for a sample without spread (one answer, or every
 * answer in one category), whose computed margin of 0 would read "± 0.0".
 * @param summary n and the promoter / passive / detractor counts
 */
export function hasMargin(summary) {
  return summary.n > 0 && summary.margin !== null && sampleVerdict(summary, 1) === 'enough';
}
