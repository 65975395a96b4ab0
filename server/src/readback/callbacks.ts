import type { Logger } from 'pino';
import type { CrmAdapter, CrmCallbackState } from '../crm/adapter.ts';
import type { Crm, StoredCallback } from '../store/store.ts';

/**
 * Where a callback logged in the CRM itself comes back (Salesforce's npsCallbackLogger): per CRM
 * that could be consulted, the callbacks' states there (empty for a CRM that keeps none, such as
 * HubSpot, whose card logs through the API). A CRM that cannot be read is missing from the map, so
 * that nothing is decided about its callbacks until it can.
 */
export async function readCallbacksBack(
  adapters: readonly CrmAdapter[],
  callbacks: readonly StoredCallback[],
  logger: Logger,
): Promise<Map<Crm, Map<string, CrmCallbackState>>> {
  const states = new Map<Crm, Map<string, CrmCallbackState>>();
  for (const crm of new Set(callbacks.map((c) => c.crm))) {
    const adapter = adapters.find((a) => a.crm === crm);
    if (!adapter) continue;
    if (!adapter.readCallbacks) {
      states.set(crm, new Map());
      continue;
    }
    const ids = callbacks.filter((c) => c.crm === crm && c.crmId).map((c) => c.id);
    try {
      states.set(crm, ids.length > 0 ? await adapter.readCallbacks(ids) : new Map());
    } catch (error) {
      logger.warn(
        { crm, err: error instanceof Error ? error.message : String(error) },
        'could not read callbacks back; escalation waits for the next sweep',
      );
    }
  }
  return states;
}
