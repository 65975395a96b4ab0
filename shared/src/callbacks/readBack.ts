import type { Callback } from '../schemas/callback.ts';

/**
 * A callback as it stands in a CRM where managers log it themselves (the Salesforce logger): what
 * the escalation sweep reads back before acting on a callback, so it never overwrites their work.
 */
export interface CallbackInCrm {
  readonly status: Callback['status'];
  readonly reachedAt?: string;
  readonly outcome?: string;
  readonly rootCause?: string;
  readonly notes?: string;
  readonly followUpAction?: string;
  /** Who changed it there last (a user's name or e-mail, or the CRM's user id), if known. */
  readonly by?: string;
  /** When it was changed there last (ISO 8601), if known: ties between CRMs go to the later. */
  readonly at?: string;
}

/**
 * A callback updated with what a manager logged in the CRM: its status and outcome, contacted at
 * the time it was reached (else at `now`, the first time the move is seen), closed at `now` if the
 * CRM closed it. Call it only when the CRM's status is further along ({@link isFurtherAlong}).
 * @param callback the callback as Boucle keeps it
 * @param state what the CRM holds
 * @param now when the read-back saw it (ISO 8601)
 */
export function mergeCrmState<C extends Callback>(
  callback: C,
  state: CallbackInCrm,
  now: string,
): C {
  const closed = state.status === 'resolved' || state.status === 'closed_no_contact';
  const reachedAt = state.reachedAt ?? callback.reachedAt;
  const contacted = state.status !== 'open' && state.status !== 'escalated';
  return {
    ...callback,
    status: state.status,
    ...(reachedAt && { reachedAt }),
    // Salesforce keeps no attempt time: the first sweep that sees it is the closest known bound
    // (the creation time would count every such callback as contacted at once, within its SLA).
    ...(!callback.firstContactAt && contacted && { firstContactAt: reachedAt ?? now }),
    ...(state.outcome !== undefined && { outcome: state.outcome }),
    ...(state.rootCause !== undefined && { rootCause: state.rootCause }),
    ...(state.notes !== undefined && { notes: state.notes }),
    ...(state.followUpAction !== undefined && { followUpAction: state.followUpAction }),
    ...(closed && !callback.closedAt && { closedAt: now }),
  };
}
