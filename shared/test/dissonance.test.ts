import { describe, expect, it } from 'vitest';
import { DEFAULT_DISSONANCE_SETTINGS, classifyDissonance, customerMood } from '../src/index.ts';

describe('classifyDissonance', () => {
  it.each([
    // [metric, score, employee rating, kind, review-worthy]
    ['nps', 2, 5, 'dissonance', true],
    ['nps', 4, 4, 'dissonance', true],
    ['nps', 5, 4, 'fatalist', true],
    ['nps', 8, 5, 'fatalist', true],
    ['nps', 9, 5, 'aligned', false],
    ['nps', 10, 1, 'improvement', false],
    ['nps', 9, 2, 'improvement', false],
    ['nps', 9, 3, 'aligned', false],
    ['nps', 1, 1, 'aligned', false],
    ['nps', 6, 3, 'aligned', false],
    ['csat', 1, 5, 'dissonance', true],
    ['csat', 3, 4, 'fatalist', true],
    ['csat', 5, 2, 'improvement', false],
    ['ces', 7, 5, 'dissonance', true],
    ['ces', 4, 5, 'fatalist', true],
    ['ces', 1, 1, 'improvement', false],
  ] as const)(
    'classifies %s %i rated %i/5 by the employee as %s',
    (metric, score, rating, kind, review) => {
      const result = classifyDissonance({ metric, score }, rating);
      expect(result.kind).toBe(kind);
      expect(result.reviewWorthy).toBe(review);
      expect(result.reason).toContain(
        `employee rated ${rating}/5, customer gave ${score} (${metric})`,
      );
    },
  );

  it('follows configured thresholds', () => {
    const strict = { ...DEFAULT_DISSONANCE_SETTINGS, confidentMin: 5 };
    expect(classifyDissonance({ metric: 'nps', score: 2 }, 4, strict).kind).toBe('aligned');
    expect(classifyDissonance({ metric: 'nps', score: 2 }, 5, strict).kind).toBe('dissonance');
  });

  it.each([0, 6, 3.5])('rejects the employee rating %s', (rating) => {
    expect(() => classifyDissonance({ metric: 'nps', score: 2 }, rating)).toThrow(
      /^rating must be an integer from 1 to 5/,
    );
  });

  it('rejects an invalid customer score', () => {
    expect(() => customerMood('nps', 11)).toThrow(/score must be an integer/);
  });
});
