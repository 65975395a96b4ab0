import { describe, expect, it } from 'vitest';
import {
  compareGroupsWithNorm,
  sampleVerdict,
  weightedNps,
  type DatedAnswer,
  type Metric,
} from '../src/index.ts';

type OwnedAnswer = DatedAnswer & { owner?: string };

const window = { from: '2026-08-27T00:00:00Z', to: '2026-11-25T00:00:00Z' };
const inWindow = '2026-11-01T10:00:00Z';

/** `count` answers of `score` for `owner`. */
const many = (owner: string | undefined, score: number, count: number, metric: Metric = 'nps') =>
  Array.from({ length: count }, (): OwnedAnswer => ({
    metric,
    score,
    answeredAt: inWindow,
    ...(owner !== undefined && { owner }),
  }));

// Promoters / passives / detractors: alice 7/1/0, bob 1/2/5, erin and frank 2/2/2 each,
// carol 2/0/0 (too few), dave 0/4/0 (all passive: one-sided), one detractor without an owner.
// Org: 14/11/10, n = 35.
const answers: OwnedAnswer[] = [
  ...many('alice', 10, 7),
  ...many('alice', 8, 1),
  ...many('bob', 9, 1),
  ...many('bob', 7, 2),
  ...many('bob', 0, 5),
  ...['erin', 'frank'].flatMap((owner) => [
    ...many(owner, 9, 2),
    ...many(owner, 7, 2),
    ...many(owner, 6, 2),
  ]),
  ...many('carol', 10, 2),
  ...many('dave', 7, 4),
  ...many(undefined, 6, 1),
  // Outside the window (its start is excluded, its end included), or not NPS: left out.
  { metric: 'nps', score: 0, answeredAt: window.from, owner: 'alice' },
  { metric: 'nps', score: 0, answeredAt: '2026-11-25T00:00:01Z', owner: 'alice' },
  ...many('alice', 1, 3, 'csat'),
];

const report = compareGroupsWithNorm(answers, (a) => a.owner, { window, minSample: 4 });

describe('compareGroupsWithNorm', () => {
  it('computes the org over the window, rounded, with its margin', () => {
    // p = 14/35, d = 10/35: NPS 11.43; variance 24/35 − (4/35)², margin 1.96 × √(v/35) × 100.
    expect(report.org).toEqual({
      n: 35,
      promoters: 14,
      passives: 11,
      detractors: 10,
      nps: 11.4,
      margin: 27.2,
      sample: 'enough',
    });
    expect(report.window).toEqual(window);
    expect(report.minSample).toBe(4);
  });

  it('ranks the groups with enough answers by NPS, ties sharing a rank', () => {
    expect(report.groups.map((g) => [g.key, g.rank, g.nps, g.margin])).toEqual([
      ['alice', 1, 87.5, 22.9],
      ['erin', 2, 0, 65.3],
      ['frank', 2, 0, 65.3],
      ['bob', 4, -50, 49],
    ]);
  });

  it('compares each group with the rest of the org, flagging a gap beyond the combined margin', () => {
    // Alice 87.5 ± 22.92 against the other 27 answers (7/10/10): −11.11 ± 29.64. Gap 98.6 >
    // sqrt(22.92² + 29.64²) = 37.5.
    const alice = report.groups[0];
    expect(alice?.rest).toEqual({
      n: 27,
      promoters: 7,
      passives: 10,
      detractors: 10,
      nps: -11.1,
      margin: 29.6,
      sample: 'enough',
    });
    expect(alice?.comparison).toEqual({
      delta: 98.6,
      combinedMargin: 37.5,
      significant: true,
      direction: 'above',
    });
    // Bob −50 ± 49 against 13/9/5 (29.63 ± 28.70): gap −79.6 beyond 56.8.
    expect(report.groups[3]?.comparison).toEqual({
      delta: -79.6,
      combinedMargin: 56.8,
      significant: true,
      direction: 'below',
    });
    // Erin 0 ± 65.3 against 12/9/8 (13.79 ± 29.81): gap −13.8 within 71.8.
    expect(report.groups[1]?.comparison).toEqual({
      delta: -13.8,
      combinedMargin: 71.8,
      significant: false,
      direction: 'level',
    });
  });

  it('shows small and one-sided groups as unranked hints, without a margin or a significance', () => {
    const noComparison = {
      delta: null,
      combinedMargin: null,
      significant: false,
      direction: 'level',
    };
    expect(
      report.hints.map((g) => [g.key, g.n, g.nps, g.margin, g.sample, g.rank, g.comparison]),
    ).toEqual([
      ['carol', 2, 100, null, 'too_few_answers', null, noComparison],
      ['dave', 4, 0, null, 'one_sided', null, noComparison],
      ['unspecified', 1, -100, null, 'too_few_answers', null, noComparison],
    ]);
    expect(report.hints[0]?.rest).toMatchObject({ n: 33, nps: 6.1, margin: 27.8 });
  });

  it('cannot compare a group that holds every answer: the rest of the org is empty', () => {
    const alone = compareGroupsWithNorm(
      answers.filter((a) => a.owner === 'bob'),
      (a) => a.owner,
      {
        window,
        minSample: 4,
      },
    );
    expect(alone.groups[0]).toMatchObject({
      key: 'bob',
      rank: 1,
      rest: { n: 0, nps: null, margin: null, sample: 'no_answers' },
      comparison: { delta: null, significant: false },
    });
  });

  it('asks for 30 answers by default', () => {
    const all = compareGroupsWithNorm(answers, (a) => a.owner, { window });
    expect(all.groups).toEqual([]);
    expect(all.hints).toHaveLength(7);
    expect(all.org.sample).toBe('enough');
  });

  it('names a bad score or date', () => {
    expect(() =>
      compareGroupsWithNorm([{ metric: 'nps', score: 11, answeredAt: inWindow }], () => 'x', {
        window,
      }),
    ).toThrow(/^score must be an integer from 0 to 10/);
    expect(() =>
      compareGroupsWithNorm([{ metric: 'nps', score: 1, answeredAt: 'soon' }], () => 'x', {
        window,
      }),
    ).toThrow(/^answeredAt must be an ISO 8601 date/);
  });
});

describe('sampleVerdict', () => {
  it.each([
    [{ n: 0, promoters: 0, passives: 0, detractors: 0 }, 'no_answers'],
    [{ n: 1, promoters: 1, passives: 0, detractors: 0 }, 'too_few_answers'],
    [{ n: 30, promoters: 30, passives: 0, detractors: 0 }, 'one_sided'],
    [{ n: 30, promoters: 0, passives: 30, detractors: 0 }, 'one_sided'],
    [{ n: 30, promoters: 0, passives: 0, detractors: 30 }, 'one_sided'],
    [{ n: 30, promoters: 29, passives: 0, detractors: 1 }, 'enough'],
  ])('of %o is %s', (stats, verdict) => {
    expect(sampleVerdict(stats)).toBe(verdict);
  });
});

describe('weightedNps sample', () => {
  const nps = (score: number) => ({ metric: 'nps' as const, score });

  it('judges the effective sample, not the raw count', () => {
    // 30 answers, one weighing 100: n_eff = 129² / (100² + 29) ≈ 1.66.
    const answers30 = Array.from({ length: 30 }, (_, i) => nps(i % 2 === 0 ? 10 : 3));
    const even = weightedNps(answers30, () => 1);
    expect(even.sample).toBe('enough');
    let first = true;
    const heavy = weightedNps(answers30, () => {
      const weight = first ? 100 : 1;
      first = false;
      return weight;
    });
    expect(heavy.effectiveN).toBeCloseTo(129 ** 2 / (100 ** 2 + 29));
    expect(heavy.sample).toBe('too_few_answers');
  });

  it.each([
    [10, 'one_sided'],
    [8, 'one_sided'],
    [2, 'one_sided'],
  ])('calls all the weight on score %s one-sided', (score, verdict) => {
    const answers30 = Array.from({ length: 30 }, () => nps(score));
    expect(weightedNps(answers30, () => 2).sample).toBe(verdict);
  });

  it('has no answers when nothing weighs', () => {
    expect(weightedNps([nps(9)], () => 0).sample).toBe('no_answers');
  });
});
