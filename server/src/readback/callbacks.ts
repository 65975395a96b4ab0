import type { Logger } from 'pino';
import type { CrmAdapter, CrmCallbackState } from '../crm/adapter.ts';
import { linkOf, type Crm, type Store, type StoredCallback } from '../store/store.ts';
import { readCallbackTasksBack } from './hubspotTasks.ts';

/**
 * Where a callback logged in the CRM itself comes back (Salesforce's npsCallbackLogger): per CRM
 * that could be consulted, the states there of the callbacks written to it, by Boucle id: the
 * Salesforce callback records, or the HubSpot tasks (`hubspotTasks.ts`, which also closes the
 * callbacks whose task was deleted); empty for a CRM that keeps neither. A CRM that cannot be read
 * is missing from the map, so that nothing is decided about its callbacks until it can.
 */
export async function readCallbacksBack(
  adapters: readonly CrmAdapter[],
  callbacks: readonly StoredCallback[],
  logger: Logger,
  tasks?: { readonly store: Store; readonly now: string },
): Promise<Map<Crm, Map<string, CrmCallbackState>>> {
  const states = new Map<Crm, Map<string, CrmCallbackState>>();
  for (const adapter of adapters) {
    const crm = adapter.crm;
    const sides = callbacks.flatMap((callback) => {
      const link = linkOf(callback, crm);
      return link ? [{ callback, link }] : [];
    });
    if (sides.length === 0) continue;
    const written = sides.filter((side) => side.link.crmId);
    try {
      if (adapter.readCallbackTasks && tasks)
        states.set(crm, await readCallbackTasksBack(adapter, callbacks, { ...tasks, logger }));
      else if (adapter.readCallbacks) {
        // Read by each side's key there (a merged callback keeps the key its record had).
        const byKey =
          written.length > 0
            ? await adapter.readCallbacks(written.map((side) => side.link.key))
            : new Map<string, CrmCallbackState>();
        const byId = new Map<string, CrmCallbackState>();
        for (const { callback, link } of written) {
          const state = byKey.get(link.key);
          if (state) byId.set(callback.id, state);
        }
        states.set(crm, byId);
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
