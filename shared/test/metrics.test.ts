import { describe, expect, it } from 'vitest';
import {
  DomainError,
  classifyNps,
  classifyScore,
  isValidScore,
  assertValidScore,
} from '../src/index.ts';

describe('classifyScore', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ] as const)('classifies NPS %i as %s', (score, category) => {
    expect(classifyScore('nps', score)).toBe(category);
    expect(classifyNps(score)).toBe(category);
  });

  it.each([
    [1, 'dissatisfied'],
    [2, 'dissatisfied'],
    [3, 'neutral'],
    [4, 'satisfied'],
    [5, 'satisfied'],
  ] as const)('classifies CSAT %i as %s', (score, category) => {
    expect(classifyScore('csat', score)).toBe(category);
  });

  it.each([
    [1, 'low_effort'],
    [3, 'low_effort'],
    [4, 'medium_effort'],
    [5, 'high_effort'],
    [7, 'high_effort'],
  ] as const)('classifies CES %i as %s', (score, category) => {
    expect(classifyScore('ces', score)).toBe(category);
  });

  it.each([
    ['nps', -1],
    ['nps', 11],
    ['nps', 6.5],
    ['nps', Number.NaN],
    ['csat', 0],
    ['csat', 6],
    ['ces', 0],
    ['ces', 8],
    ['ces', 2.5],
  ] as const)('rejects %s score %s with an error naming the field', (metric, score) => {
    expect(isValidScore(metric, score)).toBe(false);
    expect(() => classifyScore(metric, score)).toThrow(DomainError);
    expect(() => assertValidScore(metric, score)).toThrow(
      /^score must be an integer from \d+ to \d+/,
    );
  });

  it('gives the error a stable code and field', () => {
    try {
      classifyNps(12);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'score_out_of_range',
        field: 'score',
        name: 'DomainError',
      });
    }
  });
});
