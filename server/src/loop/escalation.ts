import { convergeEdits, decideEscalation, isFurtherAlong, mergeCrmState } from '@boucle/shared';
import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import { readCallbacksBack } from '../readback/callbacks.ts';
import type { Store, StoredCallback } from '../store/store.ts';
import { queueCallbackRollups } from './rollups.ts';

/** A callback without its sides: what the sweep's compare-and-set compares. */
const withoutLinks = ({ links: _links, ...callback }: StoredCallback) => callback;

export interface EscalationOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly adapters: readonly CrmAdapter[];
}

/**
 * Escalates late callbacks (once) to the owner's manager in each CRM, and queues their update.
 * What managers logged in a CRM itself is read back first and taken into the store: the callback
 * is one, written to every CRM, so what one CRM says settles it everywhere. When its CRMs say
 * different things, the edit that stands is the one furthest along, the later on a tie
 * (`convergeEdits`), and it is taken only if further along than what Boucle holds (never
 * backwards); the other CRMs are then queued a write, with a note saying where and by whom it was
 * logged, so both converge. A callback reached or closed is not escalated, so the update never
 * overwrites their work; a callback one of whose CRMs cannot be read waits for the next sweep.
 * Returns how many were escalated. The caller runs it one replica at a time.
 */
export async function sweepEscalations(options: EscalationOptions): Promise<number> {
  const { store, logger, clock } = options;
  const now = new Date(clock()).toISOString();
  // Earliest due first, so the late ones are always among them.
  const open = await store.listCallbacks({ status: 'open', now, limit: 2000 });
  const logged = await readCallbacksBack(options.adapters, open, logger, { store, now });
  const connected = new Set(options.adapters.map((a) => a.crm));
  let escalated = 0;
  const changed: StoredCallback[] = [];
  for (const stored of open) {
    const sides = stored.links.filter((link) => connected.has(link.crm));
    if (sides.length === 0 || sides.some((link) => !logged.has(link.crm))) continue;
    let callback = stored;
    const standing = convergeEdits(
      sides.flatMap((link) => {
        const state = logged.get(link.crm)?.get(stored.id);
        return state ? [{ ...state, crm: link.crm }] : [];
      }),
    );
    const taken = standing && isFurtherAlong(stored.status, standing.status) ? standing : undefined;
    if (taken)
      callback = {
        ...mergeCrmState(stored, taken, now),
        loggedIn: { via: taken.crm, ...(taken.by && { by: taken.by }), at: taken.at ?? now },
      };
    const escalate = decideEscalation(callback, now).escalate;
    if (escalate) callback = { ...callback, status: 'escalated', escalatedAt: now };
    if (callback === stored) continue;
    // Compare-and-set on what was read before the read-back: a PATCH, a card or a logger update
    // that landed meanwhile wins, and this callback waits for the next sweep (a side's CRM id
    // written meanwhile is no such update, and is kept). The CRM it was logged in already holds
    // it; the others are written (all of them after an escalation, to each CRM's manager).
    const read = JSON.stringify(withoutLinks(stored));
    const decided = callback;
    const saved = await store.updateCallback(
      stored.id,
      (current) =>
        JSON.stringify(withoutLinks(current)) !== read
          ? undefined
          : {
              ...decided,
              links: escalate
                ? current.links.map((link) =>
                    link.escalateTo ? { ...link, assignee: link.escalateTo } : link,
                  )
                : current.links,
            },
      escalate || taken
        ? { enqueueAt: clock(), ...(!escalate && taken && { except: [taken.crm] }) }
        : {},
    );
    if (saved && escalate) escalated++;
    if (saved && saved.status !== stored.status) changed.push(saved);
  }
  // Their accounts' open callbacks changed (a callback closed in the CRM has no sync job of its own).
  await queueCallbackRollups(store, changed, clock());
  if (escalated > 0) logger.info({ escalated }, 'escalated late callbacks');
  return escalated;
}
