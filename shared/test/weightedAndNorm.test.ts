import { describe, expect, it } from 'vitest';
import { compareWithNorm, computeNps, weightedNps, type ScoredAnswer } from '../src/index.ts';

type RoleAnswer = ScoredAnswer & { role: 'decision_maker' | 'user' };

describe('weightedNps', () => {
  const answers: RoleAnswer[] = [
    { metric: 'nps', score: 10, role: 'decision_maker' },
    { metric: 'nps', score: 2, role: 'user' },
    { metric: 'nps', score: 3, role: 'user' },
    { metric: 'nps', score: 8, role: 'user' },
    { metric: 'csat', score: 1, role: 'user' },
  ];
  const byRole = (answer: RoleAnswer) => (answer.role === 'decision_maker' ? 3 : 1);

  it('weighs answers by caller-given weights', () => {
    // Weights 3 (promoter) + 1 + 1 (detractors) + 1 (passive) = 6: (3 − 2) / 6.
    const result = weightedNps(answers, byRole);
    expect(result.nps).toBeCloseTo((100 * 1) / 6);
    expect(result.n).toBe(4);
    expect(result.totalWeight).toBe(6);
  });

  it('equals the plain NPS with equal weights', () => {
    const plain = computeNps(answers);
    const weighted = weightedNps(answers, () => 2);
    expect(weighted.nps).toBeCloseTo(plain.nps as number);
    expect(weighted.margin).toBeCloseTo(plain.margin as number);
    expect(weighted.effectiveN).toBeCloseTo(4);
  });

  it('computes the margin on the effective sample size, which unequal weights reduce', () => {
    const result = weightedNps(answers, byRole);
    expect(result.effectiveN).toBeCloseTo(36 / 12);
    expect(result.lowSample).toBe(true);
    expect(weightedNps(answers, byRole, { minSample: 3 }).lowSample).toBe(false);
  });

  it('is null when every weight is zero', () => {
    expect(weightedNps(answers, () => 0)).toMatchObject({
      n: 4,
      nps: null,
      margin: null,
      lowSample: true,
    });
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the weight %s', (weight) => {
    expect(() => weightedNps(answers, () => weight)).toThrow(/^weight must be a finite number ≥ 0/);
  });
});

describe('compareWithNorm', () => {
  it('is significant when the gap exceeds the combined margin', () => {
    const result = compareWithNorm({ nps: 40, margin: 6 }, { nps: 30, margin: 8 });
    expect(result).toEqual({
      delta: 10,
      combinedMargin: 10,
      significant: false,
      direction: 'level',
    });
    expect(compareWithNorm({ nps: 20, margin: 6 }, { nps: 30.5, margin: 8 })).toMatchObject({
      significant: true,
      direction: 'below',
    });
    expect(compareWithNorm({ nps: 41, margin: 6 }, { nps: 30, margin: 8 }).direction).toBe('above');
  });

  it('cannot compare without an NPS on both sides', () => {
    const empty = { delta: null, combinedMargin: null, significant: false, direction: 'level' };
    expect(compareWithNorm({ nps: null, margin: null }, { nps: 30, margin: 8 })).toEqual(empty);
    expect(compareWithNorm({ nps: 30, margin: 8 }, { nps: null, margin: null })).toEqual(empty);
    expect(compareWithNorm({ nps: 30, margin: null }, { nps: 30, margin: 8 })).toEqual(empty);
    expect(compareWithNorm({ nps: 30, margin: 8 }, { nps: 30, margin: null })).toEqual(empty);
  });
});
