import { describe, expect, it } from 'vitest';
import {
  businessHoursSchema,
  thresholdRuleSchema,
  type ThresholdRuleInput,
} from '../src/schemas/index.ts';
import { DEFAULT_THRESHOLD_RULES, evaluateThresholds, type EvaluatedAnswer } from '../src/index.ts';

const now = '2026-11-20T18:00:00Z'; // Friday, 19:00 in Paris
const answer = (score: number, extra: Partial<EvaluatedAnswer> = {}): EvaluatedAnswer => ({
  id: 'ans-1',
  metric: 'nps',
  score,
  ...extra,
});
const rule = (input: Partial<ThresholdRuleInput>) =>
  thresholdRuleSchema.parse({
    id: 'r',
    minScore: 0,
    maxScore: 6,
    kind: 'detractor_recovery',
    slaHours: 24,
    assignTo: 'account_owner',
    ...input,
  });

describe('evaluateThresholds with the shipped rules', () => {
  it.each([
    [6, ['detractor_recovery']],
    [7, []],
    [8, []],
    [9, ['promoter_thanks']],
    [10, ['promoter_thanks']],
  ])('turns NPS %i into %j', (score, kinds) => {
    const alerts = evaluateThresholds({
      answer: answer(score),
      rules: DEFAULT_THRESHOLD_RULES,
      now,
    });
    expect(alerts.map((alert) => alert.kind)).toEqual(kinds);
  });

  it('gives a detractor callback due 24 h later, escalating after 48 h, to the account owner', () => {
    const [alert] = evaluateThresholds({ answer: answer(3), rules: DEFAULT_THRESHOLD_RULES, now });
    expect(alert).toEqual({
      ruleId: 'detractor',
      kind: 'detractor_recovery',
      slaHours: 24,
      dueAt: '2026-11-21T18:00:00.000Z',
      escalateAt: '2026-11-22T18:00:00.000Z',
      assignTo: 'account_owner',
      reason: 'NPS 3 within 0–6 (rule detractor)',
    });
  });

  it('counts the SLA in business hours when they are set', () => {
    const businessHours = businessHoursSchema.parse({
      timeZone: 'Europe/Paris',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '18:00',
    });
    const [alert] = evaluateThresholds({
      answer: answer(3),
      rules: DEFAULT_THRESHOLD_RULES,
      now,
      businessHours,
    });
    expect(alert?.dueAt).toBe('2026-11-25T14:00:00.000Z');
  });

  it('adds a dissonance review when a confident employee faces an unhappy customer', () => {
    const alerts = evaluateThresholds({
      answer: answer(3, { interactionId: 'case-1' }),
      rating: { interactionId: 'case-1', rating: 5 },
      rules: DEFAULT_THRESHOLD_RULES,
      now,
    });
    expect(alerts.map((alert) => [alert.kind, alert.assignTo, alert.dissonance])).toEqual([
      ['detractor_recovery', 'account_owner', undefined],
      ['dissonance', 'owners_manager', 'dissonance'],
    ]);
    expect(alerts[1]?.reason).toContain('confident employee, unhappy customer');
  });

  it('raises a review for a "fatalist" passive that no score rule catches', () => {
    const alerts = evaluateThresholds({
      answer: answer(7, { interactionId: 'case-1' }),
      rating: { interactionId: 'case-1', rating: 4 },
      rules: DEFAULT_THRESHOLD_RULES,
      now,
    });
    expect(alerts).toMatchObject([{ kind: 'dissonance', dissonance: 'fatalist' }]);
  });

  it('raises no review when employee and customer agree', () => {
    const alerts = evaluateThresholds({
      answer: answer(3, { interactionId: 'case-1' }),
      rating: { interactionId: 'case-1', rating: 2 },
      rules: DEFAULT_THRESHOLD_RULES,
      now,
    });
    expect(alerts.map((alert) => alert.kind)).toEqual(['detractor_recovery']);
  });

  it.each([
    [
      'a rating of another interaction',
      { interactionId: 'case-1' },
      { interactionId: 'case-2', rating: 5 },
    ],
    ['an answer without interaction', {}, { interactionId: 'case-1', rating: 5 }],
  ])('ignores %s', (_label, extra, rating) => {
    const alerts = evaluateThresholds({
      answer: answer(3, extra),
      rating,
      rules: DEFAULT_THRESHOLD_RULES,
      now,
    });
    expect(alerts.map((alert) => alert.kind)).toEqual(['detractor_recovery']);
  });
});

describe('evaluateThresholds with configured rules', () => {
  it('filters by metric, touchpoint (case-insensitive) and active flag', () => {
    const rules = [
      rule({ id: 'after-sale', touchpoint: 'After-Sale', slaHours: 8 }),
      rule({ id: 'csat', metric: 'csat', minScore: 1, maxScore: 2 }),
      rule({ id: 'off', active: false, kind: 'account_alert' }),
    ];
    expect(
      evaluateThresholds({ answer: answer(2, { touchpoint: ' after-sale ' }), rules, now }),
    ).toMatchObject([
      {
        ruleId: 'after-sale',
        slaHours: 8,
        reason: 'NPS 2 within 0–6 at After-Sale (rule after-sale)',
      },
    ]);
    expect(
      evaluateThresholds({ answer: answer(2, { touchpoint: 'pre-sale' }), rules, now }),
    ).toEqual([]);
    expect(evaluateThresholds({ answer: answer(2), rules, now })).toEqual([]);
    expect(
      evaluateThresholds({ answer: { id: 'x', metric: 'csat', score: 2 }, rules, now }).map(
        (a) => a.ruleId,
      ),
    ).toEqual(['csat']);
  });

  it('fires one alert per kind, the shortest SLA winning, then the first listed', () => {
    const rules = [
      rule({ id: 'all', slaHours: 48 }),
      rule({ id: 'severe', maxScore: 3, slaHours: 4 }),
      rule({ id: 'severe-too', maxScore: 3, slaHours: 4 }),
      rule({
        id: 'account',
        kind: 'account_alert',
        maxScore: 2,
        slaHours: 72,
        assignTo: 'queue',
        queue: 'CX team',
      }),
    ];
    const alerts = evaluateThresholds({ answer: answer(1), rules, now });
    expect(alerts.map((alert) => [alert.ruleId, alert.queue])).toEqual([
      ['severe', undefined],
      ['account', 'CX team'],
    ]);
    expect(
      evaluateThresholds({ answer: answer(5), rules, now }).map((alert) => alert.ruleId),
    ).toEqual(['all']);
  });

  it('rejects an invalid score or now', () => {
    expect(() => evaluateThresholds({ answer: answer(11), rules: [], now })).toThrow(/score/);
    expect(() => evaluateThresholds({ answer: answer(1), rules: [], now: 'today' })).toThrow(
      /^now must be/,
    );
  });
});
