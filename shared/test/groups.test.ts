import { describe, expect, it } from 'vitest';
import {
  UNSPECIFIED_KEY,
  addToTally,
  newTally,
  roundSummary,
  summaryOfTally,
  breakdownByTouchpoint,
  groupScores,
  parseInstant,
  periodKey,
  summarizeScores,
  trendBy,
  type DatedAnswer,
} from '../src/index.ts';

const at = (
  answeredAt: string,
  score: number,
  metric: DatedAnswer['metric'] = 'nps',
): DatedAnswer => ({
  metric,
  score,
  answeredAt,
});

describe('summarizeScores', () => {
  it('adds csat and ces only when the set has such answers', () => {
    expect(summarizeScores([at('2026-01-01T00:00:00Z', 9)])).not.toHaveProperty('csat');
    const summary = summarizeScores([
      at('2026-01-01T00:00:00Z', 9),
      at('2026-01-01T00:00:00Z', 5, 'csat'),
      at('2026-01-01T00:00:00Z', 2, 'csat'),
      at('2026-01-01T00:00:00Z', 3, 'ces'),
    ]);
    expect(summary).toMatchObject({
      n: 1,
      nps: 100,
      csat: { n: 2, csat: 50 },
      ces: { n: 1, ces: 3 },
    });
  });

  it('counts every NPS category', () => {
    expect(summarizeScores([at('x', 0), at('x', 7), at('x', 10)])).toMatchObject({
      promoters: 1,
      passives: 1,
      detractors: 1,
    });
  });

  it('rejects an invalid score', () => {
    expect(() => summarizeScores([at('x', 4, 'csat'), at('x', 9, 'csat')])).toThrow(/metric csat/);
  });
});

describe('groupScores', () => {
  it('sorts groups by key and puts answers without a key under "unspecified"', () => {
    const answers = [
      { metric: 'nps' as const, score: 10, team: 'north' },
      { metric: 'nps' as const, score: 0, team: '' },
      { metric: 'nps' as const, score: 0 },
      { metric: 'nps' as const, score: 9, team: 'east' },
    ];
    const groups = groupScores(answers, (answer) => answer.team);
    expect(groups.map((group) => [group.key, group.n])).toEqual([
      ['east', 1],
      ['north', 1],
      [UNSPECIFIED_KEY, 2],
    ]);
  });
});

describe('trendBy', () => {
  const answers = [
    at('2026-01-15T10:00:00Z', 10),
    at('2026-01-31T23:59:59Z', 0),
    at('2026-03-01T00:00:00Z', 9),
    at('2026-07-01T00:00:00+02:00', 9), // 2026-06-30T22:00Z: June in UTC
  ];

  it('groups by UTC month, oldest first', () => {
    expect(trendBy(answers, 'month').map((month) => [month.key, month.nps])).toEqual([
      ['2026-01', 0],
      ['2026-03', 100],
      ['2026-06', 100],
    ]);
  });

  it('groups by quarter', () => {
    expect(trendBy(answers, 'quarter').map((quarter) => [quarter.key, quarter.n])).toEqual([
      ['2026-Q1', 3],
      ['2026-Q2', 1],
    ]);
  });

  it('lists empty periods between the first and the last when asked', () => {
    const months = trendBy(answers, 'month', { fillGaps: true });
    expect(months.map((month) => month.key)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
    ]);
    expect(months[1]).toMatchObject({ n: 0, nps: null, lowSample: true });
  });

  it('has nothing to fill with fewer than two periods', () => {
    expect(trendBy([], 'month', { fillGaps: true })).toEqual([]);
    expect(trendBy([answers[0] as DatedAnswer], 'quarter', { fillGaps: true })).toHaveLength(1);
  });

  it('lists every period of a range, across a year end, leaving out answers outside it', () => {
    const quarters = trendBy(answers, 'quarter', {
      range: { from: '2025-11-02T00:00:00Z', to: '2026-02-01T00:00:00Z' },
    });
    expect(quarters.map((quarter) => [quarter.key, quarter.n])).toEqual([
      ['2025-Q4', 0],
      ['2026-Q1', 2],
    ]);
  });

  it('lists nothing for a range that ends before it starts', () => {
    expect(
      trendBy(answers, 'month', {
        range: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      }),
    ).toEqual([]);
  });

  it('rejects an answer without a valid date, naming the field', () => {
    expect(() => trendBy([at('yesterday', 9)], 'month')).toThrow(
      'answeredAt must be an ISO 8601 date, got "yesterday"',
    );
  });
});

describe('periods and dates', () => {
  it.each([
    ['2026-12-31T23:59:59Z', 'month', '2026-12'],
    ['2026-12-31T23:59:59Z', 'quarter', '2026-Q4'],
    ['2026-04-01T00:00:00Z', 'quarter', '2026-Q2'],
    ['2026-03-31T23:59:59Z', 'quarter', '2026-Q1'],
  ] as const)('puts %s in %s %s', (iso, period, key) => {
    expect(periodKey(Date.parse(iso), period)).toBe(key);
  });

  it('parses ISO instants and names the field of a bad one', () => {
    expect(parseInstant('2026-01-01T00:00:00Z', 'x')).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseInstant('', 'dueAt')).toThrow(/^dueAt must be an ISO 8601 date/);
  });
});

describe('breakdownByTouchpoint', () => {
  it('gives the figures per touchpoint', () => {
    const groups = breakdownByTouchpoint([
      { metric: 'nps', score: 10, touchpoint: 'pre-sale' },
      { metric: 'nps', score: 2, touchpoint: 'after-sale' },
      { metric: 'nps', score: 2 },
    ]);
    expect(groups.map((group) => [group.key, group.nps])).toEqual([
      ['after-sale', -100],
      ['pre-sale', 100],
      ['unspecified', -100],
    ]);
  });
});

describe('tallies and display rounding', () => {
  it('scores answers one at a time like a whole set', () => {
    const answers = [at('x', 9), at('x', 2), at('x', 4, 'csat'), at('x', 2, 'ces')];
    const tally = newTally();
    for (const answer of answers) addToTally(tally, answer);
    expect(summaryOfTally(tally)).toEqual(summarizeScores(answers));
  });

  it('rounds every figure to one decimal', () => {
    const summary = summarizeScores([
      at('x', 9),
      at('x', 9),
      at('x', 2),
      at('x', 4, 'csat'),
      at('x', 4, 'csat'),
      at('x', 2, 'csat'),
      at('x', 2, 'ces'),
      at('x', 2, 'ces'),
      at('x', 3, 'ces'),
    ]);
    expect(roundSummary(summary)).toMatchObject({
      nps: 33.3,
      margin: 106.7,
      csat: { n: 3, csat: 66.7 },
      ces: { n: 3, ces: 2.3 },
    });
    expect(roundSummary({ key: 'k', ...summarizeScores([at('x', 9)]) })).not.toHaveProperty('csat');
  });
});
