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
  readonly code: 'contact_recently_surveyed' | 'account_cap_reached' | 'quiet_period';
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

function blockingCaps(
  atMs: number,
  input: PressureInput,
  contactTimes: number[],
  accountTimes: number[],
): Check[] {
  const { caps } = input;
  const checks: Check[] = [];
  const lastContact = Math.max(-Infinity, ...contactTimes.filter((t) => t <= atMs));
  if (caps.contactMinDays > 0 && atMs < lastContact + caps.contactMinDays * DAY_MS) {
    checks.push({
      reason: {
        code: 'contact_recently_surveyed',
        message: `this contact was surveyed on ${new Date(lastContact).toISOString().slice(0, 10)}; at most one survey every ${caps.contactMinDays} days`,
      },
      until: lastContact + caps.contactMinDays * DAY_MS,
    });
  }
  if (caps.accountMaxSurveys !== undefined && input.accountKey) {
    const windowMs = caps.accountWindowDays * DAY_MS;
    const inWindow = accountTimes
      .filter((t) => t <= atMs && t > atMs - windowMs)
      .sort((a, b) => a - b);
    if (inWindow.length >= caps.accountMaxSurveys) {
      // Allowed again once enough of the oldest surveys have left the window.
      const leaving = inWindow[inWindow.length - caps.accountMaxSurveys] as number;
      checks.push({
        reason: {
          code: 'account_cap_reached',
          message: `this account already had ${inWindow.length} surveys in the last ${caps.accountWindowDays} days (cap ${caps.accountMaxSurveys})`,
        },
        until: leaving + windowMs,
      });
    }
  }
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
 * per contact every `contactMinDays`; at most `accountMaxSurveys` per account in any
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
