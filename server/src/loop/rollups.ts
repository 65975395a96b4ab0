import { npsFromCounts, summarizeAccount } from '@boucle/shared';
import { NORM_RESULT_KEY, type CrmAdapter, type RollupWrite } from '../crm/adapter.ts';
import type { Job } from '../store/store.ts';
import { DAY_MS, type LoopContext } from './context.ts';

/** The window of the org-wide norm: the rollups' own (summarizeAccount's default). */
const NORM_WINDOW_DAYS = 90;

/**
 * Writes each account's rollup (NPS, responses, margin, last score, open callbacks, and each
 * respondent's latest score for contact properties) from the answers of the last year, and the
 * org-wide norm with them, from every answer of its window (not from what a user can see), once
 * per round. A norm that fails is written again at the next round; it holds no job.
 * A job's ref is `accountId|accountKey`.
 */
export async function syncRollups(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock, logger } = context;
  const now = new Date(clock()).toISOString();
  const since = new Date(clock() - 366 * DAY_MS).toISOString();
  const writes: (RollupWrite & { job: Job })[] = [];
  for (const job of jobs) {
    const [accountId, accountKey] = job.ref.split('|') as [string, string];
    const answers = await store.answersForAccount([accountKey, accountId], since);
    const summary = summarizeAccount(answers, { now });
    const nps = answers
      .filter((a) => a.metric === 'nps')
      .sort((a, b) => Date.parse(b.answeredAt) - Date.parse(a.answeredAt));
    // One callback per answer and kind, whatever the number of CRMs: both cards count the same.
    const open = (await store.listCallbacks({ accountKey, now })).length;
    const latest = new Map<string, { email: string; score: number; answeredAt: string }>();
    for (const answer of nps) {
      const email = answer.respondent?.email?.toLowerCase();
      if (email && !latest.has(email))
        latest.set(email, { email, score: answer.score, answeredAt: answer.answeredAt });
    }
    writes.push({
      job,
      accountId,
      summary,
      respondents: [...latest.values()],
      ...(nps[0] && { lastScore: nps[0].score }),
      openCallbacks: open,
      now,
    });
  }
  const norm = npsFromCounts(
    await store.npsCountsSince(new Date(clock() - NORM_WINDOW_DAYS * DAY_MS).toISOString()),
  );
  const results = await adapter.writeRollups(writes, {
    id: 'org',
    scope: 'org',
    nps: norm.nps,
    margin: norm.margin,
    responses: norm.n,
    windowDays: NORM_WINDOW_DAYS,
    now,
  });
  const normResult = results.get(NORM_RESULT_KEY);
  if (normResult && !normResult.ok)
    logger.warn(
      { crm: adapter.crm, err: normResult.error.message },
      'could not write the org-wide norm; the next rollup round writes it again',
    );
  await settlement.settle(
    adapter.crm,
    jobs,
    results,
    (job) => job.ref.split('|')[0] as string,
    async () => undefined,
  );
}
