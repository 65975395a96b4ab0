import { classifyScore, type ScoreCategory } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import { summarizeThemes, type ThemeSummary } from '@boucle/shared/themes';
import { z } from 'zod';
import { accountKeysOf, type Store } from '../store/store.ts';
import { analysisCacheFor } from '../verbatims/cache.ts';
import type { Verbatims } from '../verbatims/taxonomy.ts';

const DAY_MS = 86_400_000;

/** Categories that count as unhappy answers: what the irritants are measured against. */
const UNHAPPY: readonly ScoreCategory[] = ['detractor', 'dissatisfied', 'high_effort'];

/** The groupings of `GET /v1/themes` (the contract's); `team` has no groups yet, with its reason. */
export const THEME_GROUPINGS = ['account', 'team', 'touchpoint', 'org'] as const;

/** Why a grouping gives no groups, as `GET /v1/insights` says it. */
const NOT_STORED: Partial<Record<(typeof THEME_GROUPINGS)[number], string>> = {
  team:
    'team is not stored yet: answers carry no team. Storing it means resolving the owner’s team ' +
    'when the answer is synced and keeping it with the answer; use account, touchpoint or org.',
};

/** The query of `GET /v1/themes`. */
export const themesQuerySchema = z.strictObject({
  by: z
    .enum(THEME_GROUPINGS, { error: 'must be one of account, team, touchpoint, org' })
    .default('org'),
  window: z
    .string()
    .default('90d')
    .refine((value) => /^(\d{1,4})d$/.test(value) && Number.parseInt(value, 10) >= 1, {
      error: 'must be a number of days from 1d to 9999d, such as 90d',
    })
    .transform((value) => Number.parseInt(value, 10)),
  minSample: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(10_000, { error: 'must be at most 10000' })
    .default(30),
});
export type ThemesQuery = z.output<typeof themesQuerySchema>;

const groupKeyOf = (answer: Answer, by: Exclude<ThemesQuery['by'], 'team'>) =>
  by === 'account'
    ? (accountKeysOf(answer)[0] ?? '(no account)')
    : by === 'touchpoint'
      ? (answer.touchpoint ?? '(no touchpoint)')
      : 'org';

/**
 * Themes and irritants per group over a window: each theme with its share among the unhappy
 * answers (detractors; dissatisfied for CSAT, high effort for CES) and its margin, whether it
 * grows against the previous window of the same length, and phrases no theme covers yet. The
 * analysis is read from each stored comment with the taxonomy in force, as the sync writes it,
 * once per answer and taxonomy: later requests find it in the taxonomy's analysis cache.
 */
export async function themesReport(
  store: Store,
  verbatims: Verbatims,
  query: ThemesQuery,
  nowMs: number,
) {
  const from = nowMs - query.window * DAY_MS;
  const previousFrom = from - query.window * DAY_MS;
  const window = {
    from: new Date(from).toISOString(),
    to: new Date(nowMs).toISOString(),
    days: query.window,
  };
  const reason = NOT_STORED[query.by];
  if (reason) return { by: query.by, window, groups: [], reason };
  const answers = (await store.answersSince(new Date(previousFrom).toISOString())).filter(
    (answer) => Date.parse(answer.answeredAt) <= nowMs,
  );
  const cache = analysisCacheFor(verbatims);
  const groups = new Map<string, Parameters<typeof summarizeThemes>[0][number][]>();
  for (const answer of answers) {
    const key = groupKeyOf(answer, query.by as Exclude<ThemesQuery['by'], 'team'>);
    const list = groups.get(key) ?? [];
    // Untrimmed, as the account card reads it, so both find the same cached analysis.
    const comment = answer.comment?.trim() ? answer.comment : undefined;
    list.push({
      themes: comment
        ? cache
            .analysisOf({
              source: answer.source,
              id: answer.id,
              comment,
              language: answer.language,
            })
            .themes.map((t) => t.theme)
        : [],
      unhappy: UNHAPPY.includes(classifyScore(answer.metric, answer.score)),
      period: Date.parse(answer.answeredAt) > from ? 'current' : 'previous',
      ...(comment && { text: comment }),
    });
    groups.set(key, list);
  }
  const labels = new Map(verbatims.taxonomy.themes.map((theme) => [theme.id, theme.label]));
  const withLabels = (summary: ThemeSummary) => ({
    ...summary,
    themes: summary.themes.map((theme) => ({ ...theme, label: labels.get(theme.theme) })),
  });
  return {
    by: query.by,
    window,
    groups: [...groups]
      .map(([key, items]) => ({
        key,
        ...withLabels(summarizeThemes(items, { minSample: query.minSample })),
      }))
      .filter((group) => group.n > 0)
      .sort((a, b) => b.unhappy - a.unhappy || b.n - a.n || a.key.localeCompare(b.key)),
  };
}
