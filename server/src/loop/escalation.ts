import { decideEscalation, isFurtherAlong, mergeCrmState } from '@boucle/shared';
import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import { readCallbacksBack } from '../readback/callbacks.ts';
import type { Store, StoredCallback } from '../store/store.ts';
import { queueCallbackRollups } from './rollups.ts';

export interface EscalationOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly adapters: readonly CrmAdapter[];
}

/**
 * Escalates late callbacks (once) to the owner's manager, and queues their update. What managers
 * logged in the CRM itself is read back first and taken into the store, and a callback they
 * reached or closed is not escalated, so the update never overwrites their work; a CRM that cannot
 * be read leaves its callbacks to the next sweep. Returns how many were escalated. The caller runs
 * it one replica at a time.
 */
export async function sweepEscalations(options: EscalationOptions): Promise<number> {
  const { store, logger, clock } = options;
  const now = new Date(clock()).toISOString();
  // Earliest due first, so the late ones are always among them.
  const open = await store.listCallbacks({ status: 'open', now, limit: 2000 });
  const logged = await readCallbacksBack(options.adapters, open, logger, { store, now });
  let escalated = 0;
  const changed: StoredCallback[] = [];
  for (const stored of open) {
    if (!logged.has(stored.crm)) continue;
    let callback = stored;
    const state = logged.get(stored.crm)?.get(stored.id);
    if (state && isFurtherAlong(stored.status, state.status))
      callback = mergeCrmState(stored, state, now);
    const escalate = decideEscalation(callback, now).escalate;
    if (escalate)
      callback = {
        ...callback,
        status: 'escalated',
        escalatedAt: now,
        ...(callback.escalateTo && { assignee: callback.escalateTo }),
      };
    if (callback === stored) continue;
    // Compare-and-set on what was read before the read-back: a PATCH, a card or a logger update
    // that landed meanwhile wins, and this callback waits for the next sweep.
    const read = JSON.stringify(stored);
    const saved = await store.updateCallback(
      stored.id,
      (current) => (JSON.stringify(current) === read ? callback : undefined),
      escalate ? { enqueueAt: clock() } : {},
    );
    if (saved && escalate) escalated++;
    if (saved && saved.status !== stored.status) changed.push(saved);
  }
  // Their accounts' open callbacks changed (a callback closed in the CRM has no sync job of its own).
  await queueCallbackRollups(store, changed, clock());
  if (escalated > 0) logger.info({ escalated }, 'escalated late callbacks');
  return escalated;
}
