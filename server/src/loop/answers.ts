import { classifyScore, evaluateThresholds } from '@boucle/shared';
import type { Answer, ThresholdRule } from '@boucle/shared/schemas';
import type { AnswerWrite, CrmAdapter } from '../crm/adapter.ts';
import { accountKeysOf, refOf, type Job } from '../store/store.ts';
import { raiseCallbacks } from './callbacks.ts';
import { businessHoursFor, raisesCallbacks, type LoopContext } from './context.ts';

/** Who an unmatched answer was looked up as, for its sync state. */
function lookedUpAs(answer: Answer): string {
  return (
    [
      answer.respondent?.email,
      answer.account?.domain ?? answer.account?.crmAccountId ?? answer.account?.hubspotCompanyId,
    ]
      .filter(Boolean)
      .join(' / ') || 'no respondent or account given'
  );
}

/**
 * Where an answer becomes a CRM record: resolves its respondent and account, raises the callbacks
 * its thresholds call for (recent answers only), reads the comment's themes and sentiment, and
 * writes it. An answer whose respondent is not in the CRM yet is parked and looked up again later.
 * A written answer links its account, queues the account's rollup, and queues the rating of the
 * same interaction (which links to it).
 */
export async function syncAnswers(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock } = context;
  const businessHours = await businessHoursFor(context, adapter);
  const answers = await store.getAnswers(jobs.map((j) => j.ref));
  const items = jobs.flatMap((job) => {
    const answer = answers.get(job.ref);
    return answer ? [{ job, ref: job.ref, answer }] : [];
  });
  await store.complete(
    jobs.filter((j) => !answers.has(j.ref)).map((j) => j.id),
    clock(),
  );
  const resolutions = await adapter.resolve(items);
  const rules: ThresholdRule[] = await adapter.thresholdRules();
  // A rule's touchpoint and an answer's meet by key or either label (the answer keeps its label).
  const touchpoints = await adapter.touchpoints();
  const dissonance = await adapter.dissonanceSettings?.();
  const writes: (AnswerWrite & { job: Job })[] = [];
  const now = new Date(clock()).toISOString();
  for (const item of items) {
    const resolution = resolutions.get(item.ref);
    if (!resolution) {
      const detail = `not found in ${adapter.crm}: ${lookedUpAs(item.answer)}; looked up again every ${Math.round(context.unmatchedRetryMs / 60_000)} min`;
      await store.setSyncState(adapter.crm, 'answer', item.ref, 'unmatched', detail);
      await settlement.later(item.job, detail, context.unmatchedRetryMs);
      continue;
    }
    if (resolution.contactId && item.answer.respondent?.email) {
      await store.linkContact(adapter.crm, resolution.contactId, item.answer.respondent.email);
    }
    const rating = item.answer.interactionId
      ? await store.ratingForInteraction(item.answer.interactionId)
      : undefined;
    const alerts = !raisesCallbacks(context, item.answer.answeredAt)
      ? []
      : evaluateThresholds({
          answer: item.answer,
          ...(rating && {
            rating: { interactionId: rating.interactionId, rating: rating.rating },
          }),
          rules,
          now,
          touchpoints,
          ...(businessHours && { businessHours }),
          ...(dissonance && { dissonance }),
        });
    await raiseCallbacks(context, adapter, item.answer, item.ref, alerts, resolution);
    writes.push({
      job: item.job,
      ref: item.ref,
      answer: item.answer,
      resolution,
      category: classifyScore(item.answer.metric, item.answer.score),
      ...(item.answer.comment?.trim() && {
        analysis: context.analyse(item.answer.comment, { language: item.answer.language }),
      }),
    });
  }
  if (writes.length === 0) return;
  const results = await adapter.writeAnswers(writes);
  const rollups = new Set<string>();
  const ratingsToLink: string[] = [];
  await settlement.settle(
    adapter.crm,
    writes.map((w) => w.job),
    results,
    (job) => job.ref,
    async (job) => {
      const write = writes.find((w) => w.job.id === job.id);
      if (!write) return;
      if (write.resolution.accountId) {
        await store.linkAnswerAccount(write.ref, write.resolution.accountId);
        rollups.add(
          `${write.resolution.accountId}|${accountKeysOf(write.answer)[0] ?? write.resolution.accountId}`,
        );
      }
      if (write.answer.interactionId) {
        const rating = await store.ratingForInteraction(write.answer.interactionId);
        if (rating) ratingsToLink.push(refOf(rating));
      }
    },
  );
  if (rollups.size > 0)
    await store.enqueue(adapter.crm, 'rollup', [...rollups], clock() + context.rollupDelayMs);
  if (ratingsToLink.length > 0) await store.enqueue(adapter.crm, 'rating', ratingsToLink, clock());
}
