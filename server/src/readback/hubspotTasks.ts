import { FINAL_CALLBACK_STATUSES } from '@boucle/shared';
import type { Logger } from 'pino';
import type { CrmAdapter, CrmCallbackState } from '../crm/adapter.ts';
import { queueCallbackRollups } from '../loop/rollups.ts';
import type { Store, StoredCallback } from '../store/store.ts';

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
 * would never end. Throws when HubSpot cannot be read: the caller then decides nothing about
 * these callbacks until the next sweep.
 */
export async function readCallbackTasksBack(
  adapter: CrmAdapter,
  callbacks: readonly StoredCallback[],
  options: TasksReadBackOptions,
): Promise<Map<string, CrmCallbackState>> {
  const written = callbacks.filter((c) => c.crm === adapter.crm && c.crmId);
  if (!adapter.readCallbackTasks || written.length === 0) return new Map();
  const { states, deleted } = await adapter.readCallbackTasks(
    written.map((c) => ({
      id: c.id,
      crmId: c.crmId as string,
      ...(c.reason !== undefined && { reason: c.reason }),
    })),
  );
  const closed: StoredCallback[] = [];
  for (const id of deleted) {
    const saved = await options.store.updateCallback(id, (current) =>
      FINAL_CALLBACK_STATUSES.includes(current.status)
        ? undefined
        : {
            ...current,
            status: 'closed_no_contact',
            closedAt: options.now,
            notes: current.notes ? `${current.notes}\n${DELETED_TASK_NOTE}` : DELETED_TASK_NOTE,
          },
    );
    if (!saved) continue;
    closed.push(saved);
    options.logger.warn(
      { crm: adapter.crm, callback: id, task: written.find((c) => c.id === id)?.crmId },
      'callback task deleted in the CRM; callback closed without contact',
    );
  }
  // Their companies' open callbacks changed: queue the rollups.
  await queueCallbackRollups(options.store, closed, Date.parse(options.now));
  return states;
}
