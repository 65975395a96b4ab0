import { describe, expect, it } from 'vitest';
import { businessHoursSchema, type BusinessHoursSettings } from '../src/schemas/index.ts';
import {
  addBusinessHours,
  dayOfWeek,
  dueInstant,
  isValidTimeZone,
  nextLocalDate,
  zoneOffsetMs,
  zonedToEpochMs,
} from '../src/index.ts';

const paris = (overrides: Partial<BusinessHoursSettings> = {}): BusinessHoursSettings =>
  businessHoursSchema.parse({
    timeZone: 'Europe/Paris',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '09:00',
    end: '18:00',
    ...overrides,
  });
const due = (from: string, hours: number, settings: BusinessHoursSettings) =>
  new Date(addBusinessHours(Date.parse(from), hours, settings)).toISOString();

describe('addBusinessHours', () => {
  it('moves a 24 h SLA raised on Friday evening to Wednesday afternoon, not Saturday', () => {
    // Friday 20 November 2026, 19:00 in Paris: Monday 9 h + Tuesday 9 h + Wednesday 6 h.
    expect(due('2026-11-20T18:00:00Z', 24, paris())).toBe('2026-11-25T14:00:00.000Z');
  });

  it.each([
    ['within the same day', '2026-11-23T08:00:00Z', 2, '2026-11-23T10:00:00.000Z'],
    ['before opening', '2026-11-23T06:00:00Z', 1, '2026-11-23T09:00:00.000Z'],
    ['to the exact closing time', '2026-11-23T08:00:00Z', 9, '2026-11-23T17:00:00.000Z'],
    ['past closing, onto the next day', '2026-11-23T16:00:00Z', 2, '2026-11-24T09:00:00.000Z'],
    ['from a Saturday', '2026-11-21T10:00:00Z', 1, '2026-11-23T09:00:00.000Z'],
  ])('counts working time %s', (_label, from, hours, expected) => {
    expect(due(from, hours, paris())).toBe(expected);
  });

  it('skips holidays', () => {
    // Wednesday 11 November 2026 (Armistice) is a holiday in France.
    const settings = paris({ holidays: ['2026-11-11'] });
    expect(due('2026-11-10T16:00:00Z', 2, settings)).toBe('2026-11-12T09:00:00.000Z');
  });

  it('keeps working hours at local time across the spring DST change', () => {
    // Friday 27 March 2026 17:00 CET + 2 h → Monday 30 March 10:00 CEST (08:00Z, not 09:00Z).
    expect(due('2026-03-27T16:00:00Z', 2, paris())).toBe('2026-03-30T08:00:00.000Z');
  });

  it('keeps working hours at local time across the autumn DST change', () => {
    // Friday 23 October 2026 17:00 CEST + 2 h → Monday 26 October 10:00 CET (09:00Z).
    expect(due('2026-10-23T15:00:00Z', 2, paris())).toBe('2026-10-26T09:00:00.000Z');
  });

  it('counts the 23 real hours of a round-the-clock spring-forward Sunday', () => {
    const allWeek = paris({
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '24:00',
    });
    // From Sunday 29 March 00:00 CET (Saturday 23:00Z), 24 working hours end on Monday 01:00 CEST.
    expect(due('2026-03-28T23:00:00Z', 24, allWeek)).toBe('2026-03-29T23:00:00.000Z');
  });

  it('counts the 25 real hours of an autumn fall-back Sunday', () => {
    const sundays = paris({ days: ['sun'], start: '00:00', end: '24:00' });
    // Sunday 25 October 2026 00:00 CEST is Saturday 22:00Z; the day lasts until Sunday 23:00Z.
    expect(due('2026-10-24T22:00:00Z', 25, sundays)).toBe('2026-10-25T23:00:00.000Z');
  });

  it('works in a time zone west of UTC', () => {
    const newYork = paris({ timeZone: 'America/New_York' });
    // Friday 20 November 2026 17:30 EST + 1 h → Monday 23 November 09:30 EST (14:30Z).
    expect(due('2026-11-20T22:30:00Z', 1, newYork)).toBe('2026-11-23T14:30:00.000Z');
  });

  it('refuses an SLA that ten years of working time cannot hold', () => {
    const thursdays = paris({ days: ['thu'] });
    expect(() => addBusinessHours(Date.parse('2026-01-01T00:00:00Z'), 1e6, thursdays)).toThrow(
      'businessHours leave no working time in the 3660 days after the alert',
    );
  });
});

describe('dueInstant', () => {
  it('adds elapsed hours without business hours', () => {
    expect(dueInstant(Date.parse('2026-11-20T18:00:00Z'), 24)).toBe(
      Date.parse('2026-11-21T18:00:00Z'),
    );
  });

  it('adds working hours with business hours', () => {
    expect(dueInstant(Date.parse('2026-11-20T18:00:00Z'), 24, paris())).toBe(
      Date.parse('2026-11-25T14:00:00Z'),
    );
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses unknown ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('gives the offset of a zone at an instant', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Paris')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Paris')).toBe(7_200_000);
  });

  it('moves a wall-clock time skipped by DST forward by the gap', () => {
    // 02:30 does not exist in Paris on 29 March 2026: it reads as 03:30 CEST (01:30Z).
    const instant = zonedToEpochMs({ year: 2026, month: 3, day: 29 }, 150, 'Europe/Paris');
    expect(new Date(instant).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the earlier of a wall-clock time that happens twice', () => {
    // 02:30 happens twice in Paris on 25 October 2026: first in CEST (00:30Z).
    const instant = zonedToEpochMs({ year: 2026, month: 10, day: 25 }, 150, 'Europe/Paris');
    expect(new Date(instant).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('steps calendar dates across month and year ends', () => {
    expect(nextLocalDate({ year: 2026, month: 12, day: 31 })).toEqual({
      year: 2027,
      month: 1,
      day: 1,
    });
    expect(nextLocalDate({ year: 2028, month: 2, day: 28 })).toEqual({
      year: 2028,
      month: 2,
      day: 29,
    });
    expect(dayOfWeek({ year: 2026, month: 11, day: 22 })).toBe(0);
  });
});
