import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ErasureOrigin, StoredErasure } from '../store/erasures.ts';
import type { Crm, Store } from '../store/store.ts';

// An erasure asked for (`POST /v1/erasures`, `boucle erase`, a HubSpot privacy deletion): one
// path for all three, so that each erases the same things the same way.

/** What requesting an erasure needs: the store, the CRMs to reach, the statistics setting. */
export interface ErasureDeps {
  readonly store: Store;
  readonly crms: readonly Crm[];
  /** `BOUCLE_ERASURE_KEEP_STATISTICS`: keep scores, anonymised, rather than delete answers. */
  readonly keepStatistics: boolean;
  readonly clock: () => number;
  /** Wakes the sync loops once CRM jobs are queued. */
  readonly onQueued?: () => void;
}

/** The body of `POST /v1/erasures`: the person's e-mail. */
export const erasureRequestSchema = z.strictObject({
  email: z
    .string({ error: 'is required: the e-mail address of the person to erase' })
    .trim()
    .max(320, { error: 'must be at most 320 characters' })
    .pipe(z.email({ error: 'must be an e-mail address such as claire@acme.example' })),
});

/**
 * Erases the person with this e-mail everywhere Boucle wrote it; the same address asked again
 * (pending or done) is the same erasure, with the same id.
 */
export async function erasePerson(
  deps: ErasureDeps,
  email: string,
  origin: ErasureOrigin,
): Promise<{ id: string; created: boolean }> {
  const result = await deps.store.requestErasure({
    id: `era_${randomUUID()}`,
    email,
    origin,
    crms: deps.crms,
    keepStatistics: deps.keepStatistics,
    now: deps.clock(),
  });
  if (result.created) deps.onQueued?.();
  return result;
}

/**
 * Erases the people a CRM contact resolved from (a privacy deletion names the contact): their
 * erasures' ids, and how many answers of the store the new ones erased.
 */
export async function eraseCrmContact(
  deps: ErasureDeps,
  crm: Crm,
  contactId: string,
): Promise<{ ids: string[]; answers: number }> {
  const ids: string[] = [];
  let answers = 0;
  for (const email of await deps.store.contactEmails(crm, contactId)) {
    const { id, created } = await erasePerson(deps, email, 'hubspot_privacy_deletion');
    ids.push(id);
    if (created) answers += (await deps.store.getErasure(id))?.found.answers ?? 0;
  }
  return { ids, answers };
}

/** The whole erasure's state: nothing to erase, pending somewhere, incomplete (a CRM refused), done. */
export type ErasureStatus = 'nothing_to_erase' | 'pending' | 'incomplete' | 'done';

/** An erasure as the API and the CLI show it: no personal data, not even the hash. */
export function erasureView(erasure: StoredErasure) {
  const { found } = erasure;
  const status: ErasureStatus =
    found.answers + found.ratings + found.callbacks === 0
      ? 'nothing_to_erase'
      : erasure.crms.some((c) => c.state === 'pending')
        ? 'pending'
        : erasure.crms.some((c) => c.state === 'dead')
          ? 'incomplete'
          : 'done';
  const iso = (at: number) => new Date(at).toISOString();
  return {
    id: erasure.id,
    status,
    origin: erasure.origin,
    requestedAt: iso(erasure.requestedAt),
    keepStatistics: erasure.keepStatistics,
    found,
    crms: Object.fromEntries(
      erasure.crms.map((c) => [
        c.crm,
        { state: c.state, ...(c.detail && { detail: c.detail }), updatedAt: iso(c.updatedAt) },
      ]),
    ),
    log: erasure.log.map((l) => ({
      at: iso(l.at),
      ...(l.crm && { crm: l.crm }),
      outcome: l.outcome,
      detail: l.detail,
    })),
  };
}

export type ErasureView = ReturnType<typeof erasureView>;
