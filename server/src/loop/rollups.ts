import { npsFromCounts, summarizeAccount } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import type { Logger } from 'pino';
import { NORM_RESULT_KEY, type CrmAdapter, type RollupWrite } from '../crm/adapter.ts';
import type { Crm, Job, RolledUpAccount, Store, StoredCallback } from '../store/store.ts';
import { DAY_MS, type LoopContext } from './context.ts';

/** The rollups' headline window (summarizeAccount's default), and the org-wide norm's. */
export const ROLLUP_WINDOW_DAYS = 90;
/** How far back the last score and the respondents' latest scores are read. */
const LAST_SCORE_DAYS = 366;
/** How often every rollup the passing of time changes is written again, by default. */
export const ROLLUP_REFRESH_MS = DAY_MS;
/** The cursor holding when the last refresh ran (ISO instant), shared by replicas. */
export const REFRESH_CURSOR = 'rollups.refreshed_at';

const parse = (ref: string) => ref.split('|') as [string, string];

/**
 * Writes each account's rollup (NPS, responses, margin, CSAT and CES with their responses, last
 * score, open callbacks, and each respondent's latest score for contact properties) from the
 * answers of the last year, and the org-wide norm with them, from every answer of its window (not
 * from what a user can see), once per round. The answers and the open callbacks of the round's
 * accounts are read in one query each per few hundred accounts, not two per account. Each
 * account is remembered with its latest answers, for the daily refresh. A norm that fails is
 * written again at the next round; it holds no job. A job's ref is `accountId|accountKey`.
 */
export async function syncRollups(
  context: LoopContext,
  adapter: CrmAdapter,
  jobs: readonly Job[],
): Promise<void> {
  const { store, settlement, clock, logger } = context;
  const now = new Date(clock()).toISOString();
  const since = new Date(clock() - LAST_SCORE_DAYS * DAY_MS).toISOString();
  const keysOf = (job: Job) => [...new Set(parse(job.ref).map((k) => k.toLowerCase()))];
  const allKeys = jobs.flatMap(keysOf);
  const answersByKey = await store.answersForAccounts(allKeys, since);
  // One callback per answer and kind, whatever the number of CRMs: both cards count the same.
  const openByKey = await store.openCallbackCounts(allKeys);
  const writes: (RollupWrite & { job: Job })[] = [];
  const accounts: RolledUpAccount[] = [];
  for (const job of jobs) {
    const [accountId] = parse(job.ref);
    const keys = keysOf(job);
    // An answer filed under both keys (its domain and the CRM id it resolved to) counts once.
    const answers = [
      ...new Map(
        keys.flatMap((k) => answersByKey.get(k) ?? []).map((a) => [`${a.source}:${a.id}`, a]),
      ).values(),
    ];
    const summary = summarizeAccount(answers, { now, windowDays: ROLLUP_WINDOW_DAYS });
    const nps = newestFirst(answers.filter((a) => a.metric === 'nps'));
    const latest = new Map<string, { email: string; score: number; answeredAt: string }>();
    for (const answer of nps) {
      const email = answer.respondent?.email?.toLowerCase();
      if (email && !latest.has(email))
        latest.set(email, { email, score: answer.score, answeredAt: answer.answeredAt });
    }
    const newest = newestFirst(answers)[0];
    accounts.push({
      ref: job.ref,
      ...(newest && { lastAnswerAt: new Date(newest.answeredAt).toISOString() }),
      ...(nps[0] && { lastNpsAt: new Date(nps[0].answeredAt).toISOString() }),
    });
    writes.push({
      job,
      accountId,
      summary,
      respondents: [...latest.values()],
      ...(nps[0] && { lastScore: nps[0].score }),
      openCallbacks: keys.reduce((sum, k) => sum + (openByKey.get(k) ?? 0), 0),
      now,
    });
  }
  await store.recordRollups(adapter.crm, accounts, clock());
  const norm = npsFromCounts(
    await store.npsCountsSince(new Date(clock() - ROLLUP_WINDOW_DAYS * DAY_MS).toISOString()),
  );
  const results = await adapter.writeRollups(writes, {
    id: 'org',
    scope: 'org',
    nps: norm.nps,
    margin: norm.margin,
    responses: norm.n,
    windowDays: ROLLUP_WINDOW_DAYS,
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
    (job) => parse(job.ref)[0],
    async () => undefined,
  );
}

function newestFirst(answers: readonly Answer[]): Answer[] {
  return [...answers].sort((a, b) => Date.parse(b.answeredAt) - Date.parse(a.answeredAt));
}

/**
 * Queues the rollup of each changed callback's account in its CRM (its open callbacks count),
 * at `runAt`: a callback closed by a read-back (logged in the CRM itself, its task completed or
 * deleted there) has no sync job of its own that would queue it.
 */
export async function queueCallbackRollups(
  store: Store,
  callbacks: readonly StoredCallback[],
  runAt: number,
): Promise<void> {
  const refs = new Map<Crm, Set<string>>();
  // Every CRM the callback is written to counts it among the account's open callbacks.
  for (const callback of callbacks)
    for (const link of callback.links) {
      if (!link.crmAccountId) continue;
      const ref = `${link.crmAccountId}|${callback.accountKey ?? link.crmAccountId}`;
      refs.set(link.crm, (refs.get(link.crm) ?? new Set()).add(ref));
    }
  for (const [crm, set] of refs) await store.enqueue(crm, 'rollup', [...set], runAt);
}

export interface RefreshOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly crms: readonly Crm[];
  /** How long after the last refresh the next one is due; default a day. */
  readonly everyMs?: number;
}

/**
 * The daily refresh: the rolling windows slide with no new answer, so every rollup the passing of
 * time changed since the last refresh is queued again, in each CRM: the accounts with an answer in
 * the window then or now (an answer that left it changes the figures), and those whose latest NPS
 * answer left the last-score window. The rollup jobs then go out as any other, in the CRM's
 * batches (Salesforce: Composite of sObject Collections of 200; HubSpot: batches of 100 under the
 * app's rate limit). Returns how many it queued, or 0 when no refresh is due yet. The caller runs
 * it one replica at a time; the last refresh's instant is a cursor in the store.
 */
export async function refreshRollups(options: RefreshOptions): Promise<number> {
  const { store, clock, logger } = options;
  const nowMs = clock();
  const everyMs = options.everyMs ?? ROLLUP_REFRESH_MS;
  const last = await store.getCursor(REFRESH_CURSOR);
  const lastMs = last ? Date.parse(last) : Number.NaN;
  if (Number.isFinite(lastMs) && nowMs - lastMs < everyMs && lastMs <= nowMs) return 0;
  // Without a known last refresh, one period back: what a daily refresh would have covered.
  const fromMs = Number.isFinite(lastMs) && lastMs <= nowMs ? lastMs : nowMs - everyMs;
  const iso = (ms: number) => new Date(ms).toISOString();
  let queued = 0;
  for (const crm of options.crms) {
    const refs = await store.rollupsToRefresh(
      crm,
      iso(fromMs - ROLLUP_WINDOW_DAYS * DAY_MS),
      iso(fromMs - LAST_SCORE_DAYS * DAY_MS),
      iso(nowMs - LAST_SCORE_DAYS * DAY_MS),
    );
    await store.enqueue(crm, 'rollup', refs, nowMs);
    queued += refs.length;
  }
  await store.setCursor(REFRESH_CURSOR, iso(nowMs));
  if (queued > 0) logger.info({ queued }, 'queued the daily refresh of the rollups');
  return queued;
}
