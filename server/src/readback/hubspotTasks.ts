import { FINAL_CALLBACK_STATUSES } from '@boucle/shared';
import type { Logger } from 'pino';
import type { CrmAdapter, CrmCallbackState } from '../crm/adapter.ts';
import { taskBody } from '../crm/hubspot/mappers.ts';
import { queueCallbackRollups } from '../loop/rollups.ts';
import { linkOf, type Store, type StoredCallback } from '../store/store.ts';

/** The note a callback whose task was deleted in HubSpot is closed with (both languages). */
export const DELETED_TASK_NOTE =
  'Task deleted in HubSpot: closed without contact by Boucle. / Tâche supprimée dans HubSpot : fermé sans contact par Boucle.';

export interface TasksReadBackOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** When the read-back runs (ISO 8601). */
  readonly now: string;
}

/**
 * Reads back the tasks of a CRM's open callbacks (HubSpot: people complete the task itself, in
 * HubSpot, not through Boucle's card): returns the states the escalation sweep merges by the
 * furthest-along rule (`mergeCrmState`), so a task completed in HubSpot resolves its callback and
 * is never escalated, hence never reopened by Boucle's write. A callback whose task was deleted in
 * HubSpot is closed here (`closed_no_contact`, no first contact, a note saying why, logged at
 * warn) and not written back: re-writing it would create the task again, and reading it each sweep
 * would never end; its other CRMs' records are closed with it (one callback, settled everywhere). Throws when HubSpot cannot be read: the caller then decides nothing about
 * these callbacks until the next sweep.
 */
export async function readCallbackTasksBack(
  adapter: CrmAdapter,
  callbacks: readonly StoredCallback[],
  options: TasksReadBackOptions,
): Promise<Map<string, CrmCallbackState>> {
  const written = callbacks.flatMap((callback) => {
    const crmId = linkOf(callback, adapter.crm)?.crmId;
    return crmId ? [{ callback, crmId }] : [];
  });
  if (!adapter.readCallbackTasks || written.length === 0) return new Map();
  // The body Boucle wrote, so that only a body someone changed in HubSpot is taken as notes.
  const { states, deleted } = await adapter.readCallbackTasks(
    written.map(({ callback, crmId }) => {
      const body = taskBody(callback);
      return { id: callback.id, crmId, ...(body !== undefined && { reason: body }) };
    }),
  );
  const closed: StoredCallback[] = [];
  for (const id of deleted) {
    const saved = await options.store.updateCallback(
      id,
      (current) =>
        FINAL_CALLBACK_STATUSES.includes(current.status)
          ? undefined
          : {
              ...current,
              status: 'closed_no_contact',
              closedAt: options.now,
              notes: current.notes ? `${current.notes}\n${DELETED_TASK_NOTE}` : DELETED_TASK_NOTE,
              loggedIn: { via: adapter.crm, at: options.now },
            },
      // Settled everywhere: its other CRMs' records are closed with it (not this task: it is gone).
      { enqueueAt: Date.parse(options.now), except: [adapter.crm] },
    );
    if (!saved) continue;
    closed.push(saved);
    options.logger.warn(
      { crm: adapter.crm, callback: id, task: written.find((w) => w.callback.id === id)?.crmId },
      'callback task deleted in the CRM; callback closed without contact',
    );
  }
  // Their companies' open callbacks changed: queue the rollups.
  await queueCallbackRollups(options.store, closed, Date.parse(options.now));
  return states;
}
