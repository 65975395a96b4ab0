import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DomainError,
  computeCes,
  computeCsat,
  computeNps,
  countNps,
  npsFromCounts,
  npsMargin,
  roundNpsStats,
  roundOneDecimal,
  type ScoredAnswer,
} from '../src/index.ts';

const nps = (...scores: number[]): ScoredAnswer[] =>
  scores.map((score) => ({ metric: 'nps', score }));

describe('computeNps', () => {
  it('is null with a low-sample flag for an empty set', () => {
    expect(computeNps([])).toEqual({
      n: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      margin: null,
      lowSample: true,
    });
  });

  it.each([
    [6, -100],
    [7, 0],
    [8, 0],
    [9, 100],
    [10, 100],
  ])('of one answer scored %i is %i, with no margin and a low-sample flag', (score, expected) => {
    const stats = computeNps(nps(score));
    expect(stats.nps).toBe(expected);
    expect(stats.margin).toBe(0);
    expect(stats.lowSample).toBe(true);
  });

  it('is %promoters − %detractors, not an average of scores', () => {
    // Mean score 7.5, but 2 promoters and 2 detractors out of 4: NPS 0.
    expect(computeNps(nps(10, 10, 5, 5)).nps).toBe(0);
    expect(computeNps(nps(9, 9, 9, 7, 0)).nps).toBeCloseTo(40);
  });

  it('ignores the answers of other metrics', () => {
    const stats = computeNps([
      ...nps(10),
      { metric: 'csat', score: 1 },
      { metric: 'ces', score: 7 },
    ]);
    expect(stats.n).toBe(1);
    expect(stats.nps).toBe(100);
  });

  it('computes the 95% margin as 1.96 × sqrt((p + d − (p − d)²) / n) × 100', () => {
    // 50 promoters, 30 passives, 20 detractors: p = .5, d = .2, variance = .7 − .09 = .61.
    const stats = npsFromCounts({ promoters: 50, passives: 30, detractors: 20 });
    expect(stats.nps).toBeCloseTo(30);
    expect(stats.margin).toBeCloseTo(1.96 * Math.sqrt(0.61 / 100) * 100, 10);
    expect(stats.lowSample).toBe(false);
  });

  it('flags samples under 30 answers unless the caller sets another minimum', () => {
    expect(npsFromCounts({ promoters: 29, passives: 0, detractors: 0 }).lowSample).toBe(true);
    expect(npsFromCounts({ promoters: 30, passives: 0, detractors: 0 }).lowSample).toBe(false);
    expect(
      npsFromCounts({ promoters: 10, passives: 0, detractors: 0 }, { minSample: 10 }).lowSample,
    ).toBe(false);
  });

  it.each([
    [{ promoters: -1, passives: 0, detractors: 0 }, 'promoters'],
    [{ promoters: 0, passives: 1.5, detractors: 0 }, 'passives'],
  ])('rejects invalid counts, naming the field (%o)', (counts, field) => {
    expect(() => npsFromCounts(counts)).toThrow(`${field} must be a non-negative integer`);
  });

  it('rejects an invalid score in the set', () => {
    expect(() => computeNps(nps(9, 11))).toThrow(/score must be an integer from 0 to 10/);
  });

  it('never leaves [−100, 100] and its margin never leaves [0, 196]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1 }), (scores) => {
        const stats = computeNps(nps(...scores));
        expect(stats.nps).toBeGreaterThanOrEqual(-100);
        expect(stats.nps).toBeLessThanOrEqual(100);
        expect(stats.margin).toBeGreaterThanOrEqual(0);
        expect(stats.margin).toBeLessThanOrEqual(196);
      }),
    );
  });

  it('equals the NPS of its counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 })), (scores) => {
        expect(computeNps(nps(...scores))).toEqual(npsFromCounts(countNps(nps(...scores))));
      }),
    );
  });

  it('has a margin that shrinks as n grows with fixed shares', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 2, max: 50 }),
        (promoters, passives, detractors, factor) => {
          fc.pre(promoters + passives + detractors > 0);
          const small = npsFromCounts({ promoters, passives, detractors });
          const large = npsFromCounts({
            promoters: promoters * factor,
            passives: passives * factor,
            detractors: detractors * factor,
          });
          expect(large.nps).toBeCloseTo(small.nps as number, 9);
          if ((small.margin as number) > 0)
            expect(large.margin).toBeLessThan(small.margin as number);
          else expect(large.margin).toBe(0);
        },
      ),
    );
  });

  it('has no negative variance from rounding when everyone is a promoter', () => {
    expect(npsMargin(1, 0, 3)).toBe(0);
  });
});

describe('computeCsat and computeCes', () => {
  it('gives the share of 4–5 CSAT answers in percent', () => {
    const answers: ScoredAnswer[] = [1, 3, 4, 5].map((score) => ({ metric: 'csat', score }));
    expect(computeCsat(answers)).toEqual({ n: 4, csat: 50 });
  });

  it('gives the mean CES effort', () => {
    const answers: ScoredAnswer[] = [1, 2, 6].map((score) => ({ metric: 'ces', score }));
    expect(computeCes([...answers, ...nps(3)])).toEqual({ n: 3, ces: 3 });
  });

  it('is null over an empty set', () => {
    expect(computeCsat(nps(9))).toEqual({ n: 0, csat: null });
    expect(computeCes([])).toEqual({ n: 0, ces: null });
  });

  it('rejects out-of-range scores', () => {
    expect(() => computeCsat([{ metric: 'csat', score: 6 }])).toThrow(DomainError);
    expect(() => computeCes([{ metric: 'ces', score: 0 }])).toThrow(DomainError);
  });
});

describe('rounding for display', () => {
  it.each([
    [33.333, 33.3],
    [-0.04, 0],
    [12.35, 12.4],
    [null, null],
  ])('rounds %s to %s', (value, expected) => {
    expect(roundOneDecimal(value)).toBe(expected);
  });

  it('rounds the NPS and the margin of stats', () => {
    const stats = roundNpsStats(computeNps(nps(10, 10, 3)));
    expect(stats.nps).toBe(33.3);
    expect(stats.margin).toBe(106.7);
  });
});
