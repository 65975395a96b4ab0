import type { Callback } from '../schemas/callback.ts';
import { isFurtherAlong } from './stateMachine.ts';

/** One place's word on a callback (a CRM, Boucle's API): the state it holds and since when. */
export interface CallbackEdit {
  readonly status: Callback['status'];
  /** When it was changed there (ISO 8601), if known. */
  readonly at?: string;
}

/**
 * Which of two edits of one callback stands when two places changed it (Salesforce and HubSpot
 * each hold its work): the one further along closing the loop (open, escalated, attempted,
 * reached, closed: {@link isFurtherAlong}), so the callback never moves backwards; between two
 * as far along, the later one; when neither time tells, the first. Both CRMs are then written
 * with the edit that stands, so they converge on it.
 * @param first one edit (the one Boucle holds, when it is one of the two)
 * @param second the other
 */
export function convergingEdit<E extends CallbackEdit>(first: E, second: E): E {
  if (isFurtherAlong(first.status, second.status)) return second;
  if (isFurtherAlong(second.status, first.status)) return first;
  if (first.at === undefined || second.at === undefined) return first;
  return Date.parse(second.at) > Date.parse(first.at) ? second : first;
}

/**
 * The edit that stands among several (every CRM's word on a callback, read back in one sweep),
 * by {@link convergingEdit}; undefined when there is none.
 * @param edits the edits, in the order ties fall back to
 */
export function convergeEdits<E extends CallbackEdit>(edits: readonly E[]): E | undefined {
  let standing: E | undefined;
  for (const edit of edits) standing = standing ? convergingEdit(standing, edit) : edit;
  return standing;
}
