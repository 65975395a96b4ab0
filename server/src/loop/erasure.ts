import type { CrmAdapter, ErasureOutcome } from '../crm/adapter.ts';
import { CrmError } from '../errors.ts';
import type { Job } from '../store/store.ts';
import type { LoopContext } from './context.ts';

/** How long an erasure waits for a sync of the same records, or after an outage, to try again. */
const WAIT_MS = 2_000;

/**
 * Where an erasure reaches a CRM: one job per erasure and CRM (its ref the erasure id). The store's
 * part is done when the job is queued (`store/erasures.ts`); this erases the records Boucle wrote
 * in the CRM through the adapter (`eraseRecords`), after any sync of the same records that is
 * running (it may be writing what it read before the erasure). Done: progress `done`. A CRM that
 * refuses records (a delete it does not allow): the job is dead-lettered with the CRM's reason,
 * progress `dead`, the other CRMs unaffected; `dead-letters replay` runs it again. An outage: the
 * job waits without spending an attempt. Every run is idempotent: records already erased are not
 * found again, or count as erased.
 */
export async function syncErasures(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock, logger } = context;
  for (const job of jobs) {
    const erasure = await store.getErasure(job.ref);
    if (!erasure) {
      await store.complete([job.id], clock());
      continue;
    }
    const targets = await store.erasureTargets(job.ref, adapter.crm);
    if (await store.erasureSyncRunning(adapter.crm, targets)) {
      await settlement.later(job, 'waiting for a sync of the same records to settle', WAIT_MS);
      continue;
    }
    const dead = async (reason: string) => {
      const now = clock();
      await store.deadLetter(job.id, reason, now);
      await store.settleErasure(job.ref, adapter.crm, 'dead', reason, now);
      await store.log(adapter.crm, 'erasure', job.ref, 'dead', reason, now);
      logger.warn({ crm: adapter.crm, erasure: job.ref, err: reason }, 'erasure dead-lettered');
    };
    if (!adapter.eraseRecords) {
      await dead(`${adapter.crm} cannot erase records`);
      continue;
    }
    const [answers, ratings, callbacks] = await Promise.all([
      store.getAnswers(targets.answers),
      store.getRatings(targets.ratings),
      store.getCallbacks(targets.callbacks),
    ]);
    let outcome: ErasureOutcome;
    try {
      outcome = await adapter.eraseRecords({
        keepStatistics: erasure.keepStatistics,
        answers: targets.answers.map((ref) => ({
          ref,
          ...(answers.get(ref) && { answer: answers.get(ref)! }),
        })),
        ratings: targets.ratings.map((ref) => ({
          ref,
          ...(ratings.get(ref) && { rating: ratings.get(ref)! }),
        })),
        callbacks: [...callbacks.values()],
        contactIds: targets.contacts,
      });
    } catch (error) {
      const crmError =
        error instanceof CrmError ? error : new CrmError('error', String(error), true);
      if (crmError.retryable) {
        await settlement.later(
          job,
          `${crmError.code}: ${crmError.message}`,
          Math.max(crmError.waitMs ?? 0, WAIT_MS),
        );
        logger.warn(
          { crm: adapter.crm, erasure: job.ref, err: crmError.message },
          'erasure call failed; it runs again',
        );
      } else await dead(`${crmError.code}: ${crmError.message}`);
      continue;
    }
    if (outcome.refused.length > 0) {
      const [first] = outcome.refused;
      const more = outcome.refused.length - 1;
      await dead(
        `${adapter.crm} refused ${first!.ref}${more > 0 ? ` and ${more} more` : ''}: ${first!.error.code}: ${first!.error.message} (${outcome.erased} other records erased)`,
      );
      continue;
    }
    const now = clock();
    const detail = `${outcome.erased} record${outcome.erased === 1 ? '' : 's'} erased${erasure.keepStatistics ? ' (scores kept, anonymised)' : ''}`;
    await store.complete([job.id], now);
    await store.settleErasure(job.ref, adapter.crm, 'done', detail, now);
    // The accounts' NPS and the org-wide norm, written again without what was deleted.
    if (!erasure.keepStatistics && targets.rollups.length > 0)
      await store.enqueue(adapter.crm, 'rollup', targets.rollups, now);
    await store.log(adapter.crm, 'erasure', job.ref, 'synced', detail, now);
  }
}
