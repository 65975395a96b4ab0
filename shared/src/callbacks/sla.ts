import { parseInstant } from '../nps/groups.ts';
import type { Callback } from '../schemas/callback.ts';

/**
 * Where a callback stands against its SLA. The SLA clock stops when the customer is reached or the
 * callback is closed: `met` or `missed` then; before that `on_time`, `due_soon` or `overdue`.
 */
export type SlaStatus = 'on_time' | 'due_soon' | 'overdue' | 'met' | 'missed';

/** What the SLA computations need of a callback. */
export type SlaCallback = Pick<
  Callback,
  | 'status'
  | 'createdAt'
  | 'dueAt'
  | 'slaHours'
  | 'reachedAt'
  | 'closedAt'
  | 'escalateAt'
  | 'escalatedAt'
>;

const HOUR_MS = 3_600_000;

/**
 * When the SLA clock stopped (customer reached, or callback closed), if it did.
 * @param callback the callback
 */
export function slaStoppedAt(
  callback: Pick<Callback, 'reachedAt' | 'closedAt'>,
): string | undefined {
  return callback.reachedAt ?? callback.closedAt;
}

/**
 * The SLA status of a callback at `now`. "Due soon" starts a quarter of the SLA before the due time
 * (6 h for a 24 h SLA), or 4 h before it, whichever is shorter.
 * @param callback the callback
 * @param now ISO 8601 instant
 */
export function slaStatus(callback: SlaCallback, now: string): SlaStatus {
  const due = parseInstant(callback.dueAt, 'dueAt');
  const stopped = slaStoppedAt(callback);
  if (stopped !== undefined) return parseInstant(stopped, 'reachedAt') <= due ? 'met' : 'missed';
  const nowMs = parseInstant(now, 'now');
  if (nowMs > due) return 'overdue';
  const warning = Math.min(callback.slaHours / 4, 4) * HOUR_MS;
  return due - nowMs <= warning ? 'due_soon' : 'on_time';
}

/**
 * Hours left before the due time (negative when late), for "time left" columns.
 * @param callback the callback
 * @param now ISO 8601 instant
 */
export function hoursLeft(callback: Pick<Callback, 'dueAt'>, now: string): number {
  return (parseInstant(callback.dueAt, 'dueAt') - parseInstant(now, 'now')) / HOUR_MS;
}

/** Whether to escalate a callback now, and why (or why not). */
export interface EscalationDecision {
  readonly escalate: boolean;
  readonly reason: string;
}

/**
 * Decides whether a callback must be escalated at `now`: it escalates when nobody reached the
 * customer by its escalation time (its due time when the rule set none), once.
 * @param callback the callback
 * @param now ISO 8601 instant
 */
export function decideEscalation(callback: SlaCallback, now: string): EscalationDecision {
  if (callback.status === 'escalated' || callback.escalatedAt) {
    return { escalate: false, reason: 'already escalated' };
  }
  if (callback.status !== 'open' && callback.status !== 'attempted') {
    return {
      escalate: false,
      reason: `the customer was reached or the callback is closed (${callback.status})`,
    };
  }
  const limit = callback.escalateAt ?? callback.dueAt;
  const late = parseInstant(now, 'now') >= parseInstant(limit, 'escalateAt');
  return late
    ? { escalate: true, reason: `nobody reached the customer by ${limit}` }
    : { escalate: false, reason: `not late before ${limit}` };
}
