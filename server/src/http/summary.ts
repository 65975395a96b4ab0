import {
  classifyScore,
  npsFromCounts,
  hoursLeft,
  parseInstant,
  roundSummary,
  slaStatus,
  summarizeAccount,
  type Touchpoint,
} from '@boucle/shared';
import { summarizeThemes, type VerbatimAnalysis } from '@boucle/shared/themes';
import type { Store, StoredCallback } from '../store/store.ts';
import { analysisCacheFor } from '../verbatims/cache.ts';
import { DEFAULT_VERBATIMS, type Verbatims } from '../verbatims/taxonomy.ts';

const DAY_MS = 86_400_000;

/**
 * A callback as the API shows it: with where it stands against its SLA, the CRM that raised it
 * (`crm`) and its assignee there, and its record and assignee in each CRM it is written to.
 */
export function callbackView(callback: StoredCallback, now: string) {
  const { crm, answerRef: _answerRef, links, ...rest } = callback;
  const assignee = (links.find((link) => link.crm === crm) ?? links[0])?.assignee;
  return {
    ...rest,
    crm,
    ...(assignee && { assignee }),
    crms: links.map((link) => ({
      crm: link.crm,
      ...(link.crmId && { crmId: link.crmId }),
      ...(link.assignee && { assignee: link.assignee }),
      ...(link.dueAt && { dueAt: link.dueAt }),
    })),
    slaStatus: slaStatus(callback, now),
    hoursLeft: Math.round(hoursLeft(callback, now) * 10) / 10,
  };
}

/** CSAT and CES of a window without such answers, as the cards read them. */
const NO_CSAT = { n: 0, csat: null };
const NO_CES = { n: 0, ces: null };

/** How many irritants the cards show. */
const TOP_IRRITANTS = 3;

/**
 * An account's card (the v1 summary and the HubSpot company card): figures over `windowDays`,
 * rounded as every card shows them (NPS, and CSAT and CES with their counts), the monthly trend,
 * touchpoints, verbatims (each with its themes and sentiment, as the sync writes them), the
 * account's top irritants, open callbacks, the org-wide NPS as the norm, and the journey: the
 * configured touchpoints in journey order, each against its targets, then the unknown ones. `undefined` when nothing is known of the account.
 */
export async function accountCard(
  store: Store,
  keys: readonly string[],
  windowDays: number,
  nowMs: number,
  touchpoints?: readonly Touchpoint[],
  verbatims: Verbatims = DEFAULT_VERBATIMS,
) {
  const now = new Date(nowMs).toISOString();
  const answers = await store.answersForAccount(
    keys,
    new Date(nowMs - Math.max(windowDays, 366) * DAY_MS).toISOString(),
  );
  const callbacks = (
    await Promise.all(keys.map((accountKey) => store.listCallbacks({ accountKey, now })))
  ).flat();
  const open = [...new Map(callbacks.map((c) => [c.id, c])).values()];
  if (answers.length === 0 && open.length === 0) return undefined;
  const norm = npsFromCounts(
    await store.npsCountsSince(new Date(nowMs - windowDays * DAY_MS).toISOString()),
  );
  const summary = summarizeAccount(answers, {
    now,
    windowDays,
    ...(norm.nps !== null && { norm: { nps: norm.nps, margin: norm.margin } }),
    ...(touchpoints && { touchpoints }),
  });
  const labels = new Map(verbatims.taxonomy.themes.map((theme) => [theme.id, theme.label]));
  const fromMs = nowMs - windowDays * DAY_MS;
  const inWindow = answers.filter((answer) => {
    const at = parseInstant(answer.answeredAt, 'answeredAt');
    return at > fromMs && at <= nowMs;
  });
  // Each comment analysed once, for the irritants and for the verbatims shown; an answer's
  // analysis is read from the taxonomy's cache when a card or GET /v1/themes made it already.
  const cache = analysisCacheFor(verbatims);
  const analyses = new Map<string, VerbatimAnalysis>();
  const analysisOf = (
    comment: string,
    language: string | undefined,
    answer?: { source: string; id: string },
  ) => {
    const key = `${language ?? ''}\u0000${comment}`;
    let analysis = analyses.get(key);
    if (!analysis) {
      analysis = answer
        ? cache.analysisOf({ source: answer.source, id: answer.id, comment, language })
        : verbatims.analyse(comment, { language });
      analyses.set(key, analysis);
    }
    return analysis;
  };
  const irritants = summarizeThemes(
    inWindow.map((answer) => ({
      themes: answer.comment?.trim()
        ? analysisOf(answer.comment, answer.language, answer).themes.map((t) => t.theme)
        : [],
      unhappy: ['detractor', 'dissatisfied', 'high_effort'].includes(
        classifyScore(answer.metric, answer.score),
      ),
      period: 'current' as const,
    })),
  )
    .themes.filter((theme) => theme.unhappyCount > 0)
    .slice(0, TOP_IRRITANTS)
    .map((theme) => ({
      theme: theme.theme,
      label: labels.get(theme.theme),
      unhappyCount: theme.unhappyCount,
      unhappyShare: theme.unhappyShare,
      margin: theme.margin,
    }));
  const overall = roundSummary(summary.overall);
  return {
    ...summary,
    verbatims: summary.verbatims.map((verbatim) => {
      const analysis = analysisOf(verbatim.comment, verbatim.language);
      return {
        ...verbatim,
        sentiment: analysis.sentiment,
        themes: analysis.themes.map((t) => ({
          theme: t.theme,
          label: labels.get(t.theme),
          sentiment: t.sentiment,
        })),
      };
    }),
    irritants,
    // CSAT and CES beside NPS, always: `n` 0 and a null figure while the window has none.
    overall: { ...overall, csat: overall.csat ?? NO_CSAT, ces: overall.ces ?? NO_CES },
    trend: summary.trend.map(roundSummary),
    touchpoints: summary.touchpoints.map(roundSummary),
    journey: summary.journey.map(roundSummary),
    openCallbacks: open.map((c) => callbackView(c, now)),
  };
}
