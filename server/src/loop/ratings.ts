import { classifyDissonance, evaluateThresholds } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import type { CrmAdapter, RatingWrite } from '../crm/adapter.ts';
import { refOf, type Job } from '../store/store.ts';
import { raiseCallbacks } from './callbacks.ts';
import { businessHoursFor, raisesCallbacks, type LoopContext } from './context.ts';

/**
 * Writes employee ratings, linked to the answer of the same interaction once that answer is
 * written (a rating whose answer is still pending waits for it), with the dissonance between the
 * two; a review-worthy dissonance on a recent answer raises its review callback now, the rating
 * having come after its answer.
 */
export async function syncRatings(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock } = context;
  const businessHours = await businessHoursFor(context, adapter);
  const bands = await adapter.dissonanceSettings?.();
  const ratings = await store.getRatings(jobs.map((j) => j.ref));
  const employees = await adapter.resolveUsers([
    ...new Set([...ratings.values()].map((r) => r.employeeEmail.toLowerCase())),
  ]);
  const writes: (RatingWrite & { job: Job })[] = [];
  const reviews: { answer: Answer; rating: { interactionId: string; rating: number } }[] = [];
  for (const job of jobs) {
    const rating = ratings.get(job.ref);
    if (!rating) {
      await store.complete([job.id], clock());
      continue;
    }
    const answer = await store.answerForInteraction(rating.interactionId);
    let answerCrmId: string | undefined;
    let dissonance;
    if (answer) {
      const state = (await store.syncStates(adapter.crm, 'answer', [refOf(answer)])).get(
        refOf(answer),
      );
      if (state?.state === 'pending') {
        await settlement.later(job, 'waiting for the answer of the same interaction to be written');
        continue;
      }
      answerCrmId = state?.crmId;
      const result = classifyDissonance(answer, rating.rating, bands);
      dissonance = result.kind;
      if (result.reviewWorthy && answerCrmId && raisesCallbacks(context, answer.answeredAt))
        reviews.push({
          answer,
          rating: { interactionId: rating.interactionId, rating: rating.rating },
        });
    }
    const employeeId = employees.get(rating.employeeEmail.toLowerCase());
    writes.push({
      job,
      ref: job.ref,
      rating,
      ...(answerCrmId && { answerCrmId }),
      ...(employeeId && { employeeId }),
      ...(dissonance && { dissonance }),
    });
  }
  if (reviews.length > 0) {
    // The rating came after its answer: raise the dissonance reviews now, resolving in one batch.
    const rules = (await adapter.thresholdRules()).filter((rule) => rule.kind === 'dissonance');
    const touchpoints = await adapter.touchpoints();
    const resolutions = await adapter.resolve(
      reviews.map(({ answer }) => ({ ref: refOf(answer), answer })),
    );
    const now = new Date(clock()).toISOString();
    for (const { answer, rating } of reviews) {
      const alerts = evaluateThresholds({
        answer,
        rating,
        rules,
        now,
        touchpoints,
        ...(businessHours && { businessHours }),
        ...(bands && { dissonance: bands }),
      });
      await raiseCallbacks(
        context,
        adapter,
        answer,
        refOf(answer),
        alerts,
        resolutions.get(refOf(answer)) ?? {},
      );
    }
  }
  if (writes.length === 0) return;
  const results = await adapter.writeRatings(writes);
  await settlement.settle(
    adapter.crm,
    writes.map((w) => w.job),
    results,
    (job) => job.ref,
    async () => undefined,
  );
}
