import { parseInstant } from '../nps/groups.ts';
import type { Callback, CallbackOutcome } from '../schemas/callback.ts';
import { CALLBACK_TRANSITIONS, FINAL_CALLBACK_STATUSES } from './states.ts';

/** Why a move is refused, as a stable code (components word it in the user's language). */
export type TransitionRefusal =
  'closed' | 'not_allowed' | 'before_creation' | 'not_reached' | 'outcome_required' | 'no_attempt';

/** The result of logging an outcome: the updated callback, or why the move is refused. */
export type TransitionResult =
  | { readonly ok: true; readonly callback: Callback }
  | { readonly ok: false; readonly code: TransitionRefusal; readonly reason: string };

const LABELS: Record<Callback['status'], string> = {
  open: 'Open',
  attempted: 'Attempted',
  reached: 'Reached',
  resolved: 'Resolved',
  escalated: 'Escalated',
  closed_no_contact: 'Closed no contact',
};

function refuse(code: TransitionRefusal, reason: string): TransitionResult {
  return { ok: false, code, reason };
}

/**
 * Applies a logged outcome to a callback, enforcing the state machine of
 * {@link CALLBACK_TRANSITIONS} and its conditions: resolving needs the customer reached and an
 * outcome; closing without contact needs a failed attempt first; nothing is logged before the
 * callback existed. Timestamps follow: first contact (attempt or reach), reach, escalation, close.
 * @param callback the callback as it is
 * @param event what the manager logs
 * @param now ISO 8601 instant used when the event carries no `at`
 */
export function nextCallbackState(
  callback: Callback,
  event: CallbackOutcome,
  now: string,
): TransitionResult {
  const from = callback.status;
  const to = event.status;
  if (FINAL_CALLBACK_STATUSES.includes(from)) {
    return refuse(
      'closed',
      `the callback is already ${LABELS[from]}: a closed loop cannot be reopened`,
    );
  }
  if (!CALLBACK_TRANSITIONS[from].includes(to)) {
    return refuse('not_allowed', `a callback cannot go from ${LABELS[from]} to ${LABELS[to]}`);
  }
  const at = event.at ?? now;
  if (parseInstant(at, 'at') < parseInstant(callback.createdAt, 'createdAt')) {
    return refuse('before_creation', 'at must not be before the callback was created');
  }
  if (to === 'resolved' && !callback.reachedAt) {
    return refuse('not_reached', 'a callback is resolved only after the customer was reached');
  }
  if (to === 'resolved' && !(event.outcome ?? callback.outcome)) {
    return refuse('outcome_required', 'an outcome is required to resolve a callback');
  }
  if (to === 'closed_no_contact' && !callback.firstContactAt) {
    return refuse('no_attempt', 'log at least one contact attempt before closing without contact');
  }

  const next: Callback = { ...callback, status: to };
  if ((to === 'attempted' || to === 'reached') && !next.firstContactAt) next.firstContactAt = at;
  if (to === 'reached') next.reachedAt = at;
  if (to === 'escalated') next.escalatedAt = at;
  if (to === 'resolved' || to === 'closed_no_contact') next.closedAt = at;
  for (const field of ['outcome', 'rootCause', 'notes', 'followUpAction'] as const) {
    if (event[field] !== undefined) next[field] = event[field];
  }
  return { ok: true, callback: next };
}

/**
 * Tells whether a move is allowed by the graph alone (without the conditions on timestamps and
 * outcome), e.g. to show only the buttons that make sense.
 * @param from the current status
 * @param to the wanted status
 */
export function canTransition(from: Callback['status'], to: CallbackOutcome['status']): boolean {
  return CALLBACK_TRANSITIONS[from].includes(to);
}

/**
 * How far along closing the loop each status is: open, then escalated (still to call), attempted,
 * reached, then closed. The graph has a cycle (escalated ↔ attempted), so reachability alone cannot
 * tell a newer state from an older one; this order can.
 */
const PROGRESS: Readonly<Record<Callback['status'], number>> = {
  open: 0,
  escalated: 1,
  attempted: 2,
  reached: 3,
  resolved: 4,
  closed_no_contact: 4,
};

/**
 * Tells whether `seen` (e.g. what a manager logged in the CRM) is further along than `known`, so
 * that taking it in never moves a callback backwards, for instance over an escalation not yet
 * synced.
 * @param known the status Boucle has
 * @param seen the status seen elsewhere
 */
export function isFurtherAlong(known: Callback['status'], seen: Callback['status']): boolean {
  return PROGRESS[seen] > PROGRESS[known];
}
