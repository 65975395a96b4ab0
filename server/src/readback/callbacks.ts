import type { Logger } from 'pino';
import type { CrmAdapter, CrmCallbackState } from '../crm/adapter.ts';
import type { Crm, Store, StoredCallback } from '../store/store.ts';
import { readCallbackTasksBack } from './hubspotTasks.ts';

/**
 * Where a callback logged in the CRM itself comes back (Salesforce's npsCallbackLogger): per CRM
 * that could be consulted, the callbacks' states there: the Salesforce callback records, or the
 * HubSpot tasks (`hubspotTasks.ts`, which also closes the callbacks whose task was deleted); empty
 * for a CRM that keeps neither. A CRM that cannot be read is missing from the map, so that nothing
 * is decided about its callbacks until it can.
 */
export async function readCallbacksBack(
  adapters: readonly CrmAdapter[],
  callbacks: readonly StoredCallback[],
  logger: Logger,
  tasks?: { readonly store: Store; readonly now: string },
): Promise<Map<Crm, Map<string, CrmCallbackState>>> {
  const states = new Map<Crm, Map<string, CrmCallbackState>>();
  for (const crm of new Set(callbacks.map((c) => c.crm))) {
    const adapter = adapters.find((a) => a.crm === crm);
    if (!adapter) continue;
    const ids = callbacks.filter((c) => c.crm === crm && c.crmId).map((c) => c.id);
    try {
      if (adapter.readCallbackTasks && tasks)
        states.set(crm, await readCallbackTasksBack(adapter, callbacks, { ...tasks, logger }));
      else if (adapter.readCallbacks) {
        states.set(crm, ids.length > 0 ? await adapter.readCallbacks(ids) : new Map());
      } else states.set(crm, new Map());
    } catch (error) {
      logger.warn(
        { crm, err: error instanceof Error ? error.message : String(error) },
        'could not read callbacks back; escalation waits for the next sweep',
      );
    }
  }
  return states;
}
