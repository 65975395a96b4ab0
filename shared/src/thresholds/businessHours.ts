import { DomainError } from '../errors.ts';
import type { BusinessHoursSettings } from '../schemas/settings.ts';
import {
  dayOfWeek,
  formatLocalDate,
  nextLocalDate,
  zonedFields,
  zonedToEpochMs,
  type LocalDate,
} from '../time/zone.ts';

/** Days of the week as business hours name them, Monday first. */
export const DAYS_OF_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day of the week. */
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

const HOUR_MS = 3_600_000;
// JavaScript's getUTCDay() order, Sunday first.
const JS_DAY_ORDER: readonly DayOfWeek[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
// Ten years of calendar days: enough to cross any list of holidays, and a bound on the loop.
const MAX_DAYS_SCANNED = 3660;

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/**
 * The instant `hours` of working time after `fromMs`. SLA hours count only within business hours
 * (as Salesforce entitlement milestones do): a 24 h SLA raised on Friday at 19:00 with Monday–Friday
 * 09:00–18:00 hours runs 9 h on Monday, 9 h on Tuesday and falls due on Wednesday at 15:00. Days
 * shortened or lengthened by a DST change count the hours they really have.
 * @param fromMs when the clock starts
 * @param hours working hours to add, ≥ 0
 * @param businessHours validated business hours
 * @returns the due instant, in epoch milliseconds
 */
export function addBusinessHours(
  fromMs: number,
  hours: number,
  businessHours: BusinessHoursSettings,
): number {
  const { timeZone } = businessHours;
  const workingDays = new Set<DayOfWeek>(businessHours.days);
  const holidays = new Set(businessHours.holidays);
  const startMinute = minutesOf(businessHours.start);
  const endMinute = minutesOf(businessHours.end);
  let remaining = hours * HOUR_MS;
  let date: LocalDate = zonedFields(fromMs, timeZone);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++) {
    const isWorkingDay =
      workingDays.has(JS_DAY_ORDER[dayOfWeek(date)] as DayOfWeek) &&
      !holidays.has(formatLocalDate(date));
    if (isWorkingDay) {
      const opens = zonedToEpochMs(date, startMinute, timeZone);
      const closes = zonedToEpochMs(date, endMinute, timeZone);
      const from = Math.max(opens, fromMs);
      if (from < closes) {
        const available = closes - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
    }
    date = nextLocalDate(date);
  }
  throw new DomainError(
    'no_working_time',
    'businessHours',
    `businessHours leave no working time in the ${MAX_DAYS_SCANNED} days after the alert`,
  );
}

/**
 * When an SLA of `hours` started at `fromMs` falls due: in working time when business hours are
 * given, in plain elapsed time otherwise.
 * @param fromMs when the clock starts
 * @param hours SLA hours
 * @param businessHours optional business hours
 */
export function dueInstant(
  fromMs: number,
  hours: number,
  businessHours?: BusinessHoursSettings,
): number {
  return businessHours ? addBusinessHours(fromMs, hours, businessHours) : fromMs + hours * HOUR_MS;
}
