import { DEFAULT_TOUCHPOINTS } from '@boucle/shared';
import { insightsQuerySchema } from '@boucle/shared/schemas';
import { describe, expect, it } from 'vitest';
import { insights } from '../../src/http/insights.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { DAY, NOW } from './seededInsights.ts';

// Insights by touchpoint read the configured journey: spellings folded to the touchpoint's key,
// steps in journey order against their targets.

describe('insights by touchpoint follow the journey', () => {
  it('groups every spelling of a touchpoint of the journey under its key', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.ingestAnswers(
        ['Après-vente', 'apres vente', 'AFTER SALE', 'Onboarding'].map((touchpoint, i) => ({
          id: `spelling-${i}`,
          source: 'api',
          metric: 'nps' as const,
          score: 9,
          answeredAt: new Date(NOW - DAY).toISOString(),
          touchpoint,
        })),
        [],
        NOW,
      );
      const result = await insights(
        store,
        insightsQuerySchema.parse({ by: 'touchpoint', window: '30d', minSample: '1' }),
        undefined,
        NOW,
        DEFAULT_TOUCHPOINTS,
      );
      expect([...result.groups, ...result.hints].map((g) => [g.key, g.n]).sort()).toEqual([
        ['Onboarding', 1],
        ['after-sale', 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('reads the touchpoints in journey order, each against its target, unknown ones after', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const scores = [
        ...Array.from({ length: 40 }, (_, i) => ['Contractualisation', i < 36 ? 10 : 8] as const),
        ...Array.from({ length: 40 }, (_, i) => ['after-sale', i < 36 ? 0 : 6] as const),
        ['Renouvellement', 9] as const,
      ];
      await store.ingestAnswers(
        scores.map(([touchpoint, score], i) => ({
          id: `journey-${i}`,
          source: 'api',
          metric: 'nps' as const,
          score,
          answeredAt: new Date(NOW - DAY).toISOString(),
          touchpoint,
        })),
        [],
        NOW,
      );
      const result = await insights(
        store,
        insightsQuerySchema.parse({ by: 'touchpoint', window: '30d', minSample: '30' }),
        undefined,
        NOW,
        DEFAULT_TOUCHPOINTS,
      );
      expect(
        (
          result as {
            journey: { key: string; kind: string; n: number; status?: { nps: string } }[];
          }
        ).journey
          .filter((step) => step.kind !== 'unspecified')
          .map((step) => [step.key, step.kind, step.n, step.status?.nps]),
      ).toEqual([
        ['pre-sale', 'configured', 0, 'not_enough'],
        ['contracting', 'configured', 40, 'met'],
        ['after-sale', 'configured', 40, 'missed'],
        ['renouvellement', 'unknown', 1, undefined],
      ]);
    } finally {
      await store.close();
    }
  });
});
