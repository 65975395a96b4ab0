import { describe, expect, it } from 'vitest';
import { summarizeAccount, type SummaryAnswer } from '../src/index.ts';

const now = '2026-11-22T12:00:00Z';
const answer = (
  id: string,
  answeredAt: string,
  score: number,
  extra: Partial<SummaryAnswer> = {},
): SummaryAnswer => ({
  id,
  metric: 'nps',
  score,
  answeredAt,
  ...extra,
});

describe('summarizeAccount', () => {
  const answers = [
    answer('old', '2025-12-01T00:00:00Z', 0, { comment: 'Trop cher' }),
    answer('a1', '2026-09-01T00:00:00Z', 3, {
      comment: 'Délai <b>trop</b> long',
      touchpoint: 'after-sale',
      language: 'fr',
    }),
    answer('a2', '2026-10-15T00:00:00Z', 10, { comment: '   ', touchpoint: 'pre-sale' }),
    answer('a3', '2026-11-20T00:00:00Z', 9, {
      comment: 'Great onboarding',
      touchpoint: 'pre-sale',
    }),
    answer('a4', '2026-11-21T00:00:00Z', 4, { metric: 'csat' }),
    answer('future', '2026-12-01T00:00:00Z', 0, { comment: 'not yet' }),
  ];

  it('gives the headline figures over a rolling 90-day window', () => {
    const summary = summarizeAccount(answers, { now });
    expect(summary.window).toEqual({
      from: '2026-08-24T12:00:00.000Z',
      to: '2026-11-22T12:00:00.000Z',
      days: 90,
    });
    expect(summary.overall).toMatchObject({
      n: 3,
      promoters: 2,
      detractors: 1,
      csat: { n: 1, csat: 100 },
    });
    expect(summary.overall.nps).toBeCloseTo(100 / 3);
    expect(summary.norm).toBeNull();
  });

  it('shows the monthly trend over 12 months, empty months included', () => {
    const summary = summarizeAccount(answers, { now });
    expect(summary.trend.map((month) => month.key)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(summary.trend[0]).toMatchObject({ n: 1, nps: -100 });
    expect(summary.trend[1]).toMatchObject({ n: 0, nps: null });
    expect(summarizeAccount(answers, { now, trendMonths: 3 }).trend.map((m) => m.key)).toEqual([
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
  });

  it('keeps the latest non-empty verbatims, newest first, as plain text', () => {
    const summary = summarizeAccount(answers, { now, verbatimCount: 2 });
    expect(summary.verbatims).toEqual([
      {
        answerId: 'a3',
        metric: 'nps',
        score: 9,
        category: 'promoter',
        comment: 'Great onboarding',
        answeredAt: '2026-11-20T00:00:00Z',
        touchpoint: 'pre-sale',
      },
      {
        answerId: 'a1',
        metric: 'nps',
        score: 3,
        category: 'detractor',
        comment: 'Délai <b>trop</b> long',
        answeredAt: '2026-09-01T00:00:00Z',
        touchpoint: 'after-sale',
        language: 'fr',
      },
    ]);
  });

  it('breaks the window down by touchpoint', () => {
    const summary = summarizeAccount(answers, { now, windowDays: 30 });
    expect(summary.touchpoints.map((group) => [group.key, group.n])).toEqual([
      ['pre-sale', 1],
      ['unspecified', 0],
    ]);
  });

  it('compares the account with the norm', () => {
    const summary = summarizeAccount(answers, { now, norm: { nps: 20, margin: 2 } });
    expect(summary.norm).toMatchObject({ nps: 20, margin: 2, comparison: { significant: false } });
  });
});
