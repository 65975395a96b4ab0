import { summarizeAccount, type AccountSummary } from '@boucle/shared';
import type { BenchAnswer } from './data.ts';

/** Boucle's way: one pass to bucket answers by account, then the shared single-pass summary. */
export function summariesWithShared(
  answers: readonly BenchAnswer[],
  now: string,
): Map<string, AccountSummary> {
  const byAccount = new Map<string, BenchAnswer[]>();
  for (const answer of answers) {
    const list = byAccount.get(answer.accountKey);
    if (list) list.push(answer);
    else byAccount.set(answer.accountKey, [answer]);
  }
  const summaries = new Map<string, AccountSummary>();
  for (const [key, list] of byAccount) summaries.set(key, summarizeAccount(list, { now }));
  return summaries;
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
