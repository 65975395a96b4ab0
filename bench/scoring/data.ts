import { seededRandom } from '../../server/src/random.ts';
import type { Metric, SummaryAnswer } from '@boucle/shared';

/** A benchmark answer: what the account card needs, plus its account. */
export interface BenchAnswer extends SummaryAnswer {
  readonly accountKey: string;
}

const TOUCHPOINTS = ['pre-sale', 'contracting', 'after-sale'];
const COMMENTS = [
  'Délai de réponse beaucoup trop long',
  'Très bon accompagnement, merci',
  'Facturation incompréhensible',
  'Great onboarding, the team was responsive',
  'Prices went up without notice',
];
export const NOW = '2026-11-22T12:00:00Z';
const YEAR_MS = 365 * 86_400_000;

/**
 * Answers spread over the last 12 months across `accounts` accounts: 90% NPS with a realistic
 * score mix, 5% CSAT, 5% CES, a comment on one answer in five.
 */
export function generateAnswers(count: number, accounts: number, seed = 42): BenchAnswer[] {
  const next = seededRandom(seed);
  const nowMs = Date.parse(NOW);
  const answers: BenchAnswer[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const draw = next();
    const metric: Metric = draw < 0.9 ? 'nps' : draw < 0.95 ? 'csat' : 'ces';
    const score =
      metric === 'nps'
        ? Math.min(10, Math.floor(next() * next() * 4 + next() * 8))
        : metric === 'csat'
          ? 1 + Math.floor(next() * 5)
          : 1 + Math.floor(next() * 7);
    answers[i] = {
      id: `ans-${i}`,
      accountKey: `acct-${String(Math.floor(next() * accounts)).padStart(5, '0')}`,
      metric,
      score,
      answeredAt: new Date(nowMs - Math.floor(next() * YEAR_MS)).toISOString(),
      touchpoint: TOUCHPOINTS[Math.floor(next() * TOUCHPOINTS.length)],
      comment: next() < 0.2 ? COMMENTS[Math.floor(next() * COMMENTS.length)] : undefined,
    };
  }
  return answers;
}
