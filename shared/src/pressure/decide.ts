import { parseInstant } from '../nps/groups.ts';
import type { SurveyPressureSettings } from '../schemas/settings.ts';

/** A survey already sent (or answered) to a contact of an account. */
export interface SurveyEvent {
  readonly contactKey: string;
  readonly accountKey?: string | undefined;
  /** ISO 8601 instant the survey was sent. */
  readonly sentAt: string;
}

/** Why a contact may not be surveyed now. */
export interface PressureReason {
  readonly code:
    | 'contact_recently_surveyed'
    | 'contact_cap_reached'
    | 'account_recently_surveyed'
    | 'account_cap_reached'
    | 'quiet_period';
  readonly message: string;
}

/** Whether a contact may be surveyed now; if not, why and from when. */
export type PressureDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reasons: readonly PressureReason[];
      /** ISO 8601 instant from which every cap allows the survey. */
      readonly allowedFrom: string;
    };

/** The question asked of survey pressure. */
export interface PressureInput {
  readonly contactKey: string;
  readonly accountKey?: string | undefined;
  /** Surveys sent to this contact and to the other contacts of its account. */
  readonly history: readonly SurveyEvent[];
  readonly caps: SurveyPressureSettings;
  readonly now: string;
}

const DAY_MS = 86_400_000;
// A wait can cross each cap a few times (quiet period, then the account window...): bounded.
const MAX_ROUNDS = 100;

function monthDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(5, 10);
}

function inQuietPeriod(epochMs: number, from: string, to: string): boolean {
  const day = monthDay(epochMs);
  return from <= to ? day >= from && day <= to : day >= from || day <= to;
}

/**
 * The first UTC midnight after the quiet period that contains `epochMs`. A period covering the
 * whole year never ends: the scan stops after a year and the caller reports that date.
 */
function endOfQuietPeriod(epochMs: number, from: string, to: string): number {
  let cursor = Math.floor(epochMs / DAY_MS) * DAY_MS;
  for (let day = 0; day <= 366 && inQuietPeriod(cursor, from, to); day++) cursor += DAY_MS;
  return cursor;
}

interface Check {
  reason: PressureReason;
  /** The earliest instant at which this cap no longer blocks. */
  until: number;
}

/** The cap "at most `max` surveys in any `windowDays`" over `times`, if it blocks at `atMs`. */
function windowCap(
  atMs: number,
  times: readonly number[],
  max: number,
  windowDays: number,
  reason: (count: number) => PressureReason,
): Check | undefined {
  const windowMs = windowDays * DAY_MS;
  const inWindow = times.filter((t) => t <= atMs && t > atMs - windowMs).sort((a, b) => a - b);
  if (inWindow.length < max) return undefined;
  // Allowed again once enough of the oldest surveys have left the window.
  const leaving = inWindow[inWindow.length - max] as number;
  return { reason: reason(inWindow.length), until: leaving + windowMs };
}

/** The cap "at least `minDays` between two surveys" over `times`, if it blocks at `atMs`. */
function gapCap(
  atMs: number,
  times: readonly number[],
  minDays: number,
  reason: (last: string) => PressureReason,
): Check | undefined {
  const last = Math.max(-Infinity, ...times.filter((t) => t <= atMs));
  if (minDays <= 0 || atMs >= last + minDays * DAY_MS) return undefined;
  return {
    reason: reason(new Date(last).toISOString().slice(0, 10)),
    until: last + minDays * DAY_MS,
  };
}

function blockingCaps(
  atMs: number,
  input: PressureInput,
  contactTimes: number[],
  accountTimes: number[],
): Check[] {
  const { caps } = input;
  const checks = [
    gapCap(atMs, contactTimes, caps.contactMinDays, (last) => ({
      code: 'contact_recently_surveyed',
      message: `this contact was surveyed on ${last}; at most one survey every ${caps.contactMinDays} days`,
    })),
    caps.contactMaxSurveys === undefined
      ? undefined
      : windowCap(atMs, contactTimes, caps.contactMaxSurveys, caps.contactWindowDays, (n) => ({
          code: 'contact_cap_reached',
          message: `this contact already had ${n} surveys in the last ${caps.contactWindowDays} days (cap ${caps.contactMaxSurveys})`,
        })),
    gapCap(atMs, accountTimes, caps.accountMinDays, (last) => ({
      code: 'account_recently_surveyed',
      message: `this account was surveyed on ${last}; at most one survey of an account every ${caps.accountMinDays} days`,
    })),
    caps.accountMaxSurveys === undefined
      ? undefined
      : windowCap(atMs, accountTimes, caps.accountMaxSurveys, caps.accountWindowDays, (n) => ({
          code: 'account_cap_reached',
          message: `this account already had ${n} surveys in the last ${caps.accountWindowDays} days (cap ${caps.accountMaxSurveys})`,
        })),
  ].filter((check): check is Check => check !== undefined);
  for (const period of caps.quietPeriods) {
    if (inQuietPeriod(atMs, period.from, period.to)) {
      checks.push({
        reason: {
          code: 'quiet_period',
          message: `no surveys from ${period.from} to ${period.to}${period.label ? ` (${period.label})` : ''}`,
        },
        until: endOfQuietPeriod(atMs, period.from, period.to),
      });
    }
  }
  return checks;
}

/**
 * Decides whether a contact may be surveyed now under the survey-pressure caps: at most one survey
 * per contact every `contactMinDays`, and at most `contactMaxSurveys` in any `contactWindowDays`;
 * at most one per account every `accountMinDays`, and at most `accountMaxSurveys` in any
 * `accountWindowDays`; none during quiet periods (month-day ranges in UTC, wrapping the year end).
 * When refused, `allowedFrom` is the first instant at which every cap allows it.
 * @param input the contact, its account, the history, the caps and `now`
 */
export function decideSurveyPressure(input: PressureInput): PressureDecision {
  const nowMs = parseInstant(input.now, 'now');
  const contactTimes: number[] = [];
  const accountTimes: number[] = [];
  for (const event of input.history) {
    const at = parseInstant(event.sentAt, 'sentAt');
    if (event.contactKey === input.contactKey) contactTimes.push(at);
    if (input.accountKey && event.accountKey === input.accountKey) accountTimes.push(at);
  }
  const reasons = blockingCaps(nowMs, input, contactTimes, accountTimes);
  if (reasons.length === 0) return { allowed: true };
  let at = nowMs;
  let blocking = reasons;
  for (let round = 0; round < MAX_ROUNDS && blocking.length > 0; round++) {
    at = Math.max(...blocking.map((check) => check.until));
    blocking = blockingCaps(at, input, contactTimes, accountTimes);
  }
  return {
    allowed: false,
    reasons: reasons.map((check) => check.reason),
    allowedFrom: new Date(at).toISOString(),
  };
}
