/** A calendar date in some time zone. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Formatters are costly to build and immutable: one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Tells whether `timeZone` is an IANA time zone this JavaScript engine knows.
 * @param timeZone e.g. Europe/Paris
 */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock fields of an instant in a time zone.
 * @param epochMs the instant
 * @param timeZone an IANA time zone
 */
export function zonedFields(
  epochMs: number,
  timeZone: string,
): LocalDate & { hour: number; minute: number; second: number } {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year as number,
    month: fields.month as number,
    day: fields.day as number,
    hour: fields.hour as number,
    minute: fields.minute as number,
    second: fields.second as number,
  };
}

/**
 * The offset of a time zone from UTC at an instant, in milliseconds (Paris in winter: +3,600,000).
 * @param epochMs the instant
 * @param timeZone an IANA time zone
 */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const f = zonedFields(epochMs, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in a time zone. A time skipped by a DST change (02:30 on the
 * spring-forward night in Paris) is moved forward by the gap; a time that happens twice (autumn)
 * is its earlier occurrence, as `Temporal`'s "compatible" disambiguation does.
 * @param date the local calendar date
 * @param minuteOfDay minutes since local midnight, 0…1440 (1440 is the next midnight)
 * @param timeZone an IANA time zone
 */
export function zonedToEpochMs(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS;
  const before = zoneOffsetMs(naive - DAY_MS, timeZone);
  const after = zoneOffsetMs(naive + DAY_MS, timeZone);
  const candidates = [naive - before, naive - after].filter(
    (instant, index) => zoneOffsetMs(instant, timeZone) === (index === 0 ? before : after),
  );
  // No candidate: the wall-clock time is in a DST gap; read it with the offset before the gap.
  return candidates.length === 0 ? naive - before : Math.min(...candidates);
}

/**
 * The calendar date after `date`.
 * @param date a calendar date
 */
export function nextLocalDate(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/**
 * Day of the week of a calendar date, 0 = Sunday … 6 = Saturday.
 * @param date a calendar date
 */
export function dayOfWeek(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/**
 * `YYYY-MM-DD` of a calendar date.
 * @param date a calendar date
 */
export function formatLocalDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
