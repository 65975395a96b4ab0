import { summarizeAccounts, type AccountSummary } from '@boucle/shared';
import type { BenchAnswer } from './data.ts';

/** Boucle's way: the shared summaries of every account, in one pass over the answers. */
export function summariesWithShared(
  answers: readonly BenchAnswer[],
  now: string,
): Map<string, AccountSummary> {
  return summarizeAccounts(answers, (answer) => answer.accountKey, { now });
}

/** What a naive account summary holds: the same headline figures the card shows. */
export interface NaiveSummary {
  nps: number | null;
  margin: number | null;
  trend: { month: string; nps: number | null }[];
  touchpoints: { touchpoint: string; nps: number | null }[];
  verbatims: string[];
}

function naiveNps(answers: readonly BenchAnswer[]): { nps: number | null; margin: number | null } {
  const nps = answers.filter((a) => a.metric === 'nps');
  if (nps.length === 0) return { nps: null, margin: null };
  const p = nps.filter((a) => a.score >= 9).length / nps.length;
  const d = nps.filter((a) => a.score <= 6).length / nps.length;
  return {
    nps: (p - d) * 100,
    margin: 1.96 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / nps.length) * 100,
  };
}

/**
 * The straightforward way: for each account, filter the whole list, then filter again for each
 * figure (window, categories, each month, each touchpoint), parsing dates as it goes.
 */
export function naiveSummary(
  answers: readonly BenchAnswer[],
  accountKey: string,
  now: string,
): NaiveSummary {
  const nowMs = new Date(now).getTime();
  const mine = answers.filter((a) => a.accountKey === accountKey);
  const window = mine.filter((a) => {
    const t = new Date(a.answeredAt).getTime();
    return t > nowMs - 90 * 86_400_000 && t <= nowMs;
  });
  const trend = [];
  for (let back = 11; back >= 0; back--) {
    const start = new Date(
      Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - back, 1),
    );
    const month = start.toISOString().slice(0, 7);
    trend.push({ month, ...naiveNps(mine.filter((a) => a.answeredAt.slice(0, 7) === month)) });
  }
  const touchpoints = [...new Set(window.map((a) => a.touchpoint ?? 'unspecified'))]
    .sort()
    .map((touchpoint) => ({
      touchpoint,
      nps: naiveNps(window.filter((a) => (a.touchpoint ?? 'unspecified') === touchpoint)).nps,
    }));
  const verbatims = window
    .filter((a) => a.comment)
    .sort((a, b) => new Date(b.answeredAt).getTime() - new Date(a.answeredAt).getTime())
    .slice(0, 5)
    .map((a) => a.comment as string);
  return { ...naiveNps(window), trend, touchpoints, verbatims };
}

/** What the hand-written loop computes per account: the figures of the card, by counting. */
export interface CountedSummary {
  nps: number | null;
  margin: number | null;
  csat: number | null;
  ces: number | null;
  /** NPS per month of the trend, oldest first. */
  trend: (number | null)[];
  /** NPS per touchpoint label of the window, sorted by label. */
  touchpoints: { touchpoint: string; nps: number | null }[];
  /** Ids of the latest comments of the window, newest first. */
  verbatims: string[];
}

// Counters of one group, side by side in an Int32Array: promoters, passives, detractors, CSAT
// answers, CSAT satisfied, CES answers, CES sum.
const SLOTS = 7;
// The 95% z-value as the shared stats round it (shared/src/nps/stats.ts).
const Z95 = 1.96;

function countInto(counts: Int32Array, at: number, answer: BenchAnswer): void {
  const score = answer.score;
  if (answer.metric === 'nps') counts[at + (score >= 9 ? 0 : score >= 7 ? 1 : 2)]!++;
  else if (answer.metric === 'csat') {
    counts[at + 3]!++;
    if (score >= 4) counts[at + 4]!++;
  } else {
    counts[at + 5]!++;
    counts[at + 6]! += score;
  }
}

function npsOf(counts: Int32Array, at: number): { nps: number | null; margin: number | null } {
  const n = counts[at]! + counts[at + 1]! + counts[at + 2]!;
  if (n === 0) return { nps: null, margin: null };
  const p = counts[at]! / n;
  const d = counts[at + 2]! / n;
  const diff = p - d;
  return {
    nps: diff * 100,
    margin: Z95 * Math.sqrt(Math.max(0, p + d - diff * diff) / n) * 100,
  };
}

/**
 * The floor: one pass over the answers, counting into per-account arrays (window, each month of
 * the trend, each touchpoint) and keeping each account's five newest comments; then the figures
 * from the counts. What any implementation of the card must at least do.
 */
export function summariesByCounting(
  answers: readonly BenchAnswer[],
  now: string,
  options: { windowDays?: number; trendMonths?: number; verbatimCount?: number } = {},
): Map<string, CountedSummary> {
  const nowMs = Date.parse(now);
  const fromMs = nowMs - (options.windowDays ?? 90) * 86_400_000;
  const months = options.trendMonths ?? 12;
  const keep = options.verbatimCount ?? 5;
  const nowDate = new Date(nowMs);
  const lastMonth = nowDate.getUTCFullYear() * 12 + nowDate.getUTCMonth();
  const trendFromMs = Date.UTC(nowDate.getUTCFullYear(), nowDate.getUTCMonth() - (months - 1), 1);
  interface Account {
    window: Int32Array;
    trend: Int32Array;
    touchpoints: Map<string, Int32Array>;
    latest: { id: string; at: number }[];
  }
  const accounts = new Map<string, Account>();
  for (const answer of answers) {
    const at = Date.parse(answer.answeredAt);
    if (at > nowMs || at < trendFromMs) continue;
    let account = accounts.get(answer.accountKey);
    if (!account) {
      account = {
        window: new Int32Array(SLOTS),
        trend: new Int32Array(SLOTS * months),
        touchpoints: new Map(),
        latest: [],
      };
      accounts.set(answer.accountKey, account);
    }
    // Month from the ISO text (UTC): YYYY-MM…
    const s = answer.answeredAt;
    const month =
      (s.charCodeAt(0) * 1000 +
        s.charCodeAt(1) * 100 +
        s.charCodeAt(2) * 10 +
        s.charCodeAt(3) -
        48 * 1111) *
        12 +
      (s.charCodeAt(5) - 48) * 10 +
      (s.charCodeAt(6) - 48) -
      1;
    countInto(account.trend, (months - 1 - (lastMonth - month)) * SLOTS, answer);
    if (at <= fromMs) continue;
    countInto(account.window, 0, answer);
    const label = answer.touchpoint ?? 'unspecified';
    let tp = account.touchpoints.get(label);
    if (!tp) {
      tp = new Int32Array(SLOTS);
      account.touchpoints.set(label, tp);
    }
    countInto(tp, 0, answer);
    if (answer.comment && answer.comment.trim() !== '') {
      const latest = account.latest;
      if (latest.length < keep || at > (latest[latest.length - 1] as { at: number }).at) {
        let i = latest.length;
        while (i > 0 && (latest[i - 1] as { at: number }).at < at) i--;
        latest.splice(i, 0, { id: answer.id, at });
        if (latest.length > keep) latest.pop();
      }
    }
  }
  const result = new Map<string, CountedSummary>();
  for (const [key, account] of accounts) {
    const w = account.window;
    result.set(key, {
      ...npsOf(w, 0),
      csat: w[3]! > 0 ? (w[4]! / w[3]!) * 100 : null,
      ces: w[5]! > 0 ? w[6]! / w[5]! : null,
      trend: Array.from({ length: months }, (_, m) => npsOf(account.trend, m * SLOTS).nps),
      touchpoints: [...account.touchpoints.keys()].sort().map((touchpoint) => ({
        touchpoint,
        nps: npsOf(account.touchpoints.get(touchpoint) as Int32Array, 0).nps,
      })),
      verbatims: account.latest.map((v) => v.id),
    });
  }
  return result;
}
