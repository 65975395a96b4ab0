import type { Schema } from './schema.ts';
import type { CallbackLink, Crm, StoredCallback } from './store.ts';

// A callback's sides, one per CRM it is written to, as the `callback_links` table keeps them
// beside the callback's row; and the bodies of before, whose per-CRM fields were the one CRM's.

/** The per-CRM fields bodies held before a callback had one side per CRM (`callback_links`). */
interface LegacySide {
  crmId?: string;
  assignee?: string;
  escalateTo?: string;
  crmAccountId?: string;
  crmContactId?: string;
}

/** A callback's side as its row in `callback_links` holds it. */
export const linkRow = (callbackId: string, link: CallbackLink) => ({
  callback_id: callbackId,
  crm: link.crm,
  crm_key: link.key,
  crm_id: link.crmId ?? null,
  assignee: link.assignee ?? null,
  escalate_to: link.escalateTo ?? null,
  crm_account_id: link.crmAccountId ?? null,
  crm_contact_id: link.crmContactId ?? null,
  due_at: link.dueAt ?? null,
});

export const linkOfRow = (row: Schema['callback_links']): CallbackLink => ({
  crm: row.crm as Crm,
  key: row.crm_key,
  ...(row.crm_id && { crmId: row.crm_id }),
  ...(row.assignee && { assignee: row.assignee }),
  ...(row.escalate_to && { escalateTo: row.escalate_to }),
  ...(row.crm_account_id && { crmAccountId: row.crm_account_id }),
  ...(row.crm_contact_id && { crmContactId: row.crm_contact_id }),
  ...(row.due_at && { dueAt: row.due_at }),
});

/**
 * The sides a callback given without any is written to: its own CRM, under its id, with the
 * per-CRM fields a body of before held.
 */
export function sidesOf(callback: StoredCallback): readonly CallbackLink[] {
  if (callback.links?.length) return callback.links;
  const legacy = callback as StoredCallback & LegacySide;
  return [
    {
      crm: callback.crm,
      key: callback.id,
      ...(legacy.crmId && { crmId: legacy.crmId }),
      ...(legacy.assignee && { assignee: legacy.assignee }),
      ...(legacy.escalateTo && { escalateTo: legacy.escalateTo }),
      ...(legacy.crmAccountId && { crmAccountId: legacy.crmAccountId }),
      ...(legacy.crmContactId && { crmContactId: legacy.crmContactId }),
    },
  ];
}

/** A stored body with its sides; the per-CRM fields of a body of before are left out. */
export function composeCallback(body: string, links: readonly CallbackLink[]): StoredCallback {
  const {
    crmId: _crmId,
    assignee: _assignee,
    escalateTo: _escalateTo,
    crmAccountId: _account,
    crmContactId: _contact,
    ...callback
  } = JSON.parse(body) as StoredCallback & LegacySide;
  const order = (link: CallbackLink) => (link.crm === callback.crm ? 0 : 1);
  return { ...callback, links: [...links].sort((a, b) => order(a) - order(b)) };
}
