/** The states of a callback. `resolved` and `closed_no_contact` are final. */
export const CALLBACK_STATUSES = [
  'open',
  'attempted',
  'reached',
  'resolved',
  'escalated',
  'closed_no_contact',
] as const;

/** A callback's state. */
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** The states a callback can be moved to by logging an outcome (it is created `open`). */
export const CALLBACK_TARGET_STATUSES = [
  'attempted',
  'reached',
  'resolved',
  'escalated',
  'closed_no_contact',
] as const;

/** A state a logged outcome can move a callback to. */
export type CallbackTargetStatus = (typeof CALLBACK_TARGET_STATUSES)[number];

/** States in which the loop is closed and nothing more can be logged. */
export const FINAL_CALLBACK_STATUSES: readonly CallbackStatus[] = ['resolved', 'closed_no_contact'];

/**
 * The allowed moves: Open → Attempted → Reached → Resolved, with Escalated reachable from any
 * unfinished state when the callback is late, and Closed no contact once at least one attempt
 * failed. An escalated callback is still worked (by the manager it was escalated to).
 */
export const CALLBACK_TRANSITIONS: Readonly<
  Record<CallbackStatus, readonly CallbackTargetStatus[]>
> = {
  open: ['attempted', 'reached', 'escalated'],
  attempted: ['attempted', 'reached', 'escalated', 'closed_no_contact'],
  reached: ['resolved', 'escalated'],
  escalated: ['attempted', 'reached', 'resolved', 'closed_no_contact'],
  resolved: [],
  closed_no_contact: [],
};
