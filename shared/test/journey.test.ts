import { describe, expect, it } from 'vitest';
import {
  adoptJourney,
  cesTargetStatus,
  csatTargetStatus,
  DEFAULT_TOUCHPOINTS,
  evaluateThresholds,
  journeyProblems,
  journeySteps,
  matchTouchpoint,
  normalizeTouchpointLabel,
  npsFromCounts,
  npsTargetStatus,
  orderJourney,
  oversizedJourneys,
  summarizeAccount,
  touchpointLabel,
  unknownTouchpoints,
  type Touchpoint,
  type TouchpointAnswer,
} from '../src/index.ts';
import { serverSettingsSchema, touchpointsSchema, toFieldIssues } from '../src/schemas/index.ts';
import { DEFAULT_THRESHOLD_RULES } from '../src/thresholds/defaults.ts';

const step = (key: string, order: number, extra: Partial<Touchpoint> = {}): Touchpoint => ({
  key,
  labelEn: key,
  labelFr: `${key} (fr)`,
  journey: 'sales',
  order,
  targetNps: 0,
  ...extra,
});
const nps = (score: number, touchpoint?: string): TouchpointAnswer => ({
  metric: 'nps',
  score,
  ...(touchpoint !== undefined && { touchpoint }),
});
const many = (count: number, score: number, touchpoint?: string) =>
  Array.from({ length: count }, () => nps(score, touchpoint));

describe('the shipped journey', () => {
  it('is the seeds’ B2B journey: pre-sale, contracting, after-sale, in English and French', () => {
    expect(
      orderJourney(DEFAULT_TOUCHPOINTS).map((t) => [t.key, t.order, t.labelEn, t.labelFr]),
    ).toEqual([
      ['pre-sale', 1, 'Pre-sale', 'Avant-vente'],
      ['contracting', 2, 'Contracting', 'Contractualisation'],
      ['after-sale', 3, 'After-sale', 'Après-vente'],
    ]);
  });

  it('is a valid configuration', () => {
    expect(journeyProblems(DEFAULT_TOUCHPOINTS)).toEqual([]);
    expect(touchpointsSchema.safeParse(DEFAULT_TOUCHPOINTS).success).toBe(true);
  });
});

describe('matching an incoming label', () => {
  it.each([
    ['after-sale', 'after-sale'],
    ['Après-vente', 'after-sale'],
    ['apres vente', 'after-sale'],
    ['APRÈS_VENTE', 'after-sale'],
    ['  After Sale ', 'after-sale'],
    ['avant-vente', 'pre-sale'],
    ['Pre-Sale', 'pre-sale'],
    ['contractualisation', 'contracting'],
    ['CONTRACTING', 'contracting'],
    ['onboarding', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('"%s" meets %s', (label, key) => {
    expect(matchTouchpoint(label, DEFAULT_TOUCHPOINTS)?.key).toBe(key);
  });

  it('gives a label two touchpoints share to the first listed', () => {
    expect(
      matchTouchpoint('x', [step('a', 1, { labelEn: 'x' }), step('b', 2, { labelEn: 'x' })])?.key,
    ).toBe('a');
  });

  it('compares labels without accents, case or punctuation', () => {
    expect(normalizeTouchpointLabel('  Après--Vente!  ')).toBe('apres vente');
  });
});

describe('the label in the user’s language', () => {
  it.each([
    ['fr', 'Après-vente'],
    ['fr-CA', 'Après-vente'],
    ['fr_FR', 'Après-vente'],
    ['en-GB', 'After-sale'],
    ['fri', 'After-sale'],
    [undefined, 'After-sale'],
  ])('%s reads %s', (language, label) => {
    expect(touchpointLabel(DEFAULT_TOUCHPOINTS[2] as Touchpoint, language)).toBe(label);
  });
});

describe('validating a journey configuration', () => {
  it('refuses a duplicate key, naming the touchpoint and the field', () => {
    const problems = journeyProblems([step('a', 1), step('A', 2, { labelEn: 'x', labelFr: 'y' })]);
    expect(problems).toEqual([
      { index: 1, field: 'key', message: expect.stringContaining('touchpoint "a"') },
    ]);
  });

  it('refuses a label another touchpoint answers to, case and accents aside', () => {
    const problems = journeyProblems([
      step('after-sale', 1, { labelFr: 'Après-vente' }),
      step('support', 2, { labelEn: 'apres vente' }),
    ]);
    expect(problems).toEqual([
      { index: 1, field: 'labelEn', message: expect.stringContaining('"after-sale"') },
    ]);
  });

  it('accepts the same text as a touchpoint’s own English and French label', () => {
    expect(
      journeyProblems([step('support', 1, { labelEn: 'Support', labelFr: 'Support' })]),
    ).toEqual([]);
  });

  it('refuses a label without a letter or digit', () => {
    expect(journeyProblems([step('a', 1, { labelFr: '--' })])).toEqual([
      { index: 0, field: 'labelFr', message: 'must contain a letter or a digit' },
    ]);
  });

  it.each([
    ['targetNps', 101],
    ['targetNps', -101],
    ['targetCsat', 101],
    ['targetCes', 0],
    ['targetNps', Number.NaN],
  ] as const)('refuses %s = %s', (field, value) => {
    expect(journeyProblems([step('a', 1, { [field]: value })])).toEqual([
      { index: 0, field, message: expect.stringMatching(/^must be/) },
    ]);
  });

  it.each([-100, 100])('accepts a target NPS of %s', (value) => {
    expect(journeyProblems([step('a', 1, { targetNps: value })])).toEqual([]);
  });

  it('refuses a journey order with a gap', () => {
    expect(journeyProblems([step('a', 1), step('b', 3)])).toEqual([
      { index: 1, field: 'order', message: expect.stringContaining('without gaps') },
    ]);
  });

  it('refuses a repeated order', () => {
    expect(journeyProblems([step('a', 1), step('b', 1), step('c', 2)])).toEqual([
      { index: 1, field: 'order', message: 'repeats order 1 of journey "sales"' },
    ]);
  });

  it('counts orders per journey', () => {
    expect(
      journeyProblems([step('a', 1), step('b', 1, { journey: 'service' }), step('c', 2)]),
    ).toEqual([]);
    expect(journeyProblems([step('a', 1.5)])[0]).toMatchObject({ index: 0, field: 'order' });
  });

  it('lists the problems by touchpoint', () => {
    expect(journeyProblems([step('a', 3), step('b', 1, { targetNps: 200 })])).toEqual([
      { index: 0, field: 'order', message: expect.any(String) },
      { index: 1, field: 'targetNps', message: expect.any(String) },
    ]);
  });

  it('names the record and field through the schema', () => {
    const parsed = touchpointsSchema.safeParse([
      { key: 'a', labelEn: 'A', labelFr: 'A', order: 1, targetNps: 10 },
      { key: 'b', labelEn: 'B', labelFr: 'B', order: 3, targetNps: 200 },
    ]);
    expect(parsed.success).toBe(false);
    expect(toFieldIssues(parsed.error!)).toEqual([
      { path: '1.targetNps', message: 'must be an NPS from -100 to 100' },
      { path: '1.order', message: expect.stringContaining('from 1 to 2') },
    ]);
  });

  it('keeps the last valid configuration in force when the new one is refused', () => {
    const next = [step('a', 1), step('b', 3)];
    const adopted = adoptJourney(DEFAULT_TOUCHPOINTS, next);
    expect(adopted.kept).toBe(true);
    expect(adopted.touchpoints).toBe(DEFAULT_TOUCHPOINTS);
    expect(adopted.problems).toHaveLength(1);
    const valid = [step('a', 1), step('b', 2)];
    expect(adoptJourney(DEFAULT_TOUCHPOINTS, valid)).toEqual({
      touchpoints: valid,
      kept: false,
      problems: [],
    });
  });

  it('tells which journeys have more steps than the seeds advise', () => {
    const long = Array.from({ length: 16 }, (_, i) => step(`s${i}`, i + 1));
    expect(oversizedJourneys([...long, step('x', 1, { journey: 'service' })])).toEqual([
      { journey: 'sales', steps: 16 },
    ]);
    expect(oversizedJourneys(long.slice(0, 15))).toEqual([]);
  });
});

describe('journey order', () => {
  it('orders journeys as first listed, then by order', () => {
    const ordered = orderJourney([
      step('c', 2),
      step('s1', 1, { journey: 'service' }),
      step('a', 1),
    ]);
    expect(ordered.map((t) => t.key)).toEqual(['a', 'c', 's1']);
  });
});

describe('target status', () => {
  it('is met when the whole interval is at or above the target', () => {
    const stats = npsFromCounts({ promoters: 80, passives: 10, detractors: 10 });
    expect(npsTargetStatus(stats, 50)).toBe('met');
  });

  it('is missed when the whole interval is below the target', () => {
    const stats = npsFromCounts({ promoters: 10, passives: 10, detractors: 80 });
    expect(npsTargetStatus(stats, 0)).toBe('missed');
  });

  it('is not enough to say when a target is met but the margin is wide', () => {
    // NPS 40 ± 22.8 over 40 answers: the target 30 is inside the interval.
    const stats = npsFromCounts({ promoters: 22, passives: 12, detractors: 6 });
    expect(stats.nps).toBe(40);
    expect(stats.nps! > 30).toBe(true);
    expect(npsTargetStatus(stats, 30)).toBe('not_enough');
  });

  it('is not enough to say without answers or under the minimum sample', () => {
    expect(npsTargetStatus(npsFromCounts({ promoters: 0, passives: 0, detractors: 0 }), 0)).toBe(
      'not_enough',
    );
    expect(npsTargetStatus(npsFromCounts({ promoters: 3, passives: 0, detractors: 0 }), 0)).toBe(
      'not_enough',
    );
  });

  it.each([
    [{ n: 100, csat: 90 }, 80, 'met'],
    [{ n: 100, csat: 60 }, 80, 'missed'],
    [{ n: 100, csat: 82 }, 80, 'not_enough'],
    [{ n: 10, csat: 100 }, 80, 'not_enough'],
    [{ n: 0, csat: null }, 80, 'not_enough'],
  ] as const)('CSAT %o against %s is %s', (stats, target, status) => {
    expect(csatTargetStatus(stats, target)).toBe(status);
  });

  it.each([
    [{ n: 400, ces: 2 }, 3, 'met'],
    [{ n: 400, ces: 4.5 }, 3, 'missed'],
    [{ n: 400, ces: 3.1 }, 3, 'not_enough'],
    [{ n: 5, ces: 1 }, 3, 'not_enough'],
    [{ n: 0, ces: null }, 3, 'not_enough'],
  ] as const)('CES %o against %s (lower is better) is %s', (stats, target, status) => {
    expect(cesTargetStatus(stats, target)).toBe(status);
  });
});

describe('the journey of a set of answers', () => {
  it('groups spellings of one touchpoint under its key, in journey order, with targets', () => {
    const steps = journeySteps(
      [...many(20, 10, 'Après-vente'), ...many(20, 10, 'after-sale'), ...many(5, 0, 'Avant-vente')],
      DEFAULT_TOUCHPOINTS,
    );
    expect(steps.map((s) => [s.key, s.kind, s.n, s.status?.nps])).toEqual([
      ['pre-sale', 'configured', 5, 'not_enough'],
      ['contracting', 'configured', 0, 'not_enough'],
      ['after-sale', 'configured', 40, 'met'],
    ]);
    expect(steps[2]).toMatchObject({
      labelEn: 'After-sale',
      labelFr: 'Après-vente',
      journey: 'b2b',
      order: 3,
      targetNps: 20,
      targetCsat: 80,
      status: { nps: 'met', csat: 'not_enough' },
    });
  });

  it('flags unknown touchpoints, labelled as first sent, most answered first, never dropped', () => {
    const steps = journeySteps(
      [nps(9, 'Onboarding'), nps(3, 'onboarding'), nps(5, 'Renewal'), nps(8, 'ONBOARDING'), nps(7)],
      [step('a', 1, { targetCes: 3 })],
    );
    expect(steps.map((s) => [s.key, s.kind, s.labelEn, s.n])).toEqual([
      ['a', 'configured', 'a', 0],
      ['onboarding', 'unknown', 'Onboarding', 3],
      ['renewal', 'unknown', 'Renewal', 1],
      ['unspecified', 'unspecified', '', 1],
    ]);
    expect(steps[0]?.status).toEqual({ nps: 'not_enough', ces: 'not_enough' });
    expect(steps[1]?.status).toBeUndefined();
  });

  it('counts CSAT and CES answers of a step', () => {
    const steps = journeySteps(
      [
        { metric: 'csat', score: 5, touchpoint: 'a' },
        { metric: 'ces', score: 2, touchpoint: 'x' },
        { metric: 'nps', score: 9, touchpoint: '--' },
      ],
      [step('a', 1, { targetCsat: 80 })],
    );
    expect(steps.map((s) => [s.key, s.csat?.n, s.ces?.n])).toEqual([
      ['a', 1, undefined],
      ['x', undefined, 1],
      ['unspecified', undefined, undefined],
    ]);
  });

  it('is part of the account summary, with the shipped journey by default', () => {
    const summary = summarizeAccount(
      [
        {
          id: '1',
          metric: 'nps',
          score: 9,
          answeredAt: '2026-11-01T00:00:00Z',
          touchpoint: 'Contractualisation',
        },
      ],
      { now: '2026-11-22T00:00:00Z' },
    );
    expect(summary.journey.map((s) => [s.key, s.n])).toEqual([
      ['pre-sale', 0],
      ['contracting', 1],
      ['after-sale', 0],
    ]);
    const custom = summarizeAccount([], {
      now: '2026-11-22T00:00:00Z',
      touchpoints: [step('a', 1)],
    });
    expect(custom.journey.map((s) => s.key)).toEqual(['a']);
  });
});

describe('unknown touchpoints for the admin', () => {
  it('lists the labels that match none, spellings merged, with their counts', () => {
    expect(
      unknownTouchpoints(
        [
          { label: 'Après-vente', answers: 10 },
          { label: 'Onboarding', answers: 2 },
          { label: 'onboarding', answers: 3 },
          { label: 'Onboarding', answers: 1 },
          { label: 'Renewal', answers: 9 },
          { label: ' ', answers: 4 },
        ],
        DEFAULT_TOUCHPOINTS,
      ),
    ).toEqual([
      { label: 'Renewal', variants: ['Renewal'], answers: 9 },
      { label: 'Onboarding', variants: ['Onboarding', 'onboarding'], answers: 6 },
    ]);
  });
});

describe('thresholds per touchpoint refer to the journey', () => {
  const rule = { ...DEFAULT_THRESHOLD_RULES[0]!, touchpoint: 'after-sale' };
  const evaluate = (touchpoint: string | undefined, touchpoints?: readonly Touchpoint[]) =>
    evaluateThresholds({
      answer: { id: 'a', metric: 'nps', score: 2, touchpoint },
      rules: [rule],
      now: '2026-11-20T09:00:00Z',
      ...(touchpoints && { touchpoints }),
    }).length;

  it('fires for any spelling of the rule’s touchpoint', () => {
    expect(evaluate('Après-vente')).toBe(1);
    expect(evaluate('Avant-vente')).toBe(0);
    expect(evaluate(undefined)).toBe(0);
  });

  it('compares as text a rule touchpoint outside the journey', () => {
    expect(evaluate('After Sale', [step('x', 1)])).toBe(1);
    expect(evaluate('before', [step('x', 1)])).toBe(0);
    expect(evaluate(undefined, [step('x', 1)])).toBe(0);
  });

  it('refuses settings whose rule names a touchpoint outside the journey', () => {
    const parsed = serverSettingsSchema.safeParse({
      rules: [{ ...rule, touchpoint: 'Onboarding' }],
    });
    expect(parsed.success).toBe(false);
    expect(toFieldIssues(parsed.error!)).toEqual([
      { path: 'rules.0.touchpoint', message: expect.stringContaining('"Onboarding"') },
    ]);
    expect(
      serverSettingsSchema.safeParse({
        rules: [{ ...rule, touchpoint: 'Onboarding' }],
        touchpoints: [
          { key: 'onboarding', labelEn: 'Onboarding', labelFr: 'Accueil', order: 1, targetNps: 30 },
        ],
      }).success,
    ).toBe(true);
  });
});
