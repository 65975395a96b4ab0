import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  breakdownByTouchpoint,
  classifyScore,
  compareWithNorm,
  DEFAULT_TOUCHPOINTS,
  groupScores,
  journeySteps,
  normalizeTouchpointLabel,
  orderJourney,
  parseInstant,
  summarizeAccount,
  summarizeAccounts,
  summarizeScores,
  touchpointMatcher,
  trendBy,
  UNSPECIFIED_KEY,
  npsTargetStatus,
  csatTargetStatus,
  cesTargetStatus,
  type AccountSummary,
  type AccountSummaryOptions,
  type GroupSummary,
  type JourneyStep,
  type Metric,
  type SummaryAnswer,
  type TouchpointAnswer,
  type Touchpoint,
  type Verbatim,
  type NpsOptions,
} from '../src/index.ts';

// The account summary and the journey as they were written before they were made single-pass
// (filter, sort and group the answers, parsing each date wherever it is needed): the reference
// the optimised functions must equal, figure for figure, error for error.

function referenceJourney(
  answers: Iterable<TouchpointAnswer>,
  touchpoints: readonly Touchpoint[],
  options: NpsOptions = {},
): JourneyStep[] {
  const match = touchpointMatcher(touchpoints);
  const unknownLabels = new Map<string, string>();
  const groups = new Map(
    groupScores(
      answers,
      (answer) => {
        if (!answer.touchpoint || normalizeTouchpointLabel(answer.touchpoint) === '')
          return undefined;
        const touchpoint = match(answer.touchpoint);
        if (touchpoint) return `k:${touchpoint.key}`;
        const form = normalizeTouchpointLabel(answer.touchpoint);
        if (!unknownLabels.has(form)) unknownLabels.set(form, answer.touchpoint.trim());
        return `u:${form}`;
      },
      options,
    ).map((group) => [group.key, group]),
  );
  const figures = (key: string): GroupSummary =>
    groups.get(key) ?? { key, ...summarizeScores([], options) };
  const minSample = options.minSample;
  const answered = (group: GroupSummary) => group.n + (group.csat?.n ?? 0) + (group.ces?.n ?? 0);
  const configured = orderJourney(touchpoints).map((touchpoint): JourneyStep => {
    const group = figures(`k:${touchpoint.key}`);
    return {
      ...group,
      key: touchpoint.key,
      kind: 'configured',
      labelEn: touchpoint.labelEn,
      labelFr: touchpoint.labelFr,
      journey: touchpoint.journey,
      order: touchpoint.order,
      targetNps: touchpoint.targetNps,
      ...(touchpoint.targetCsat !== undefined && { targetCsat: touchpoint.targetCsat }),
      ...(touchpoint.targetCes !== undefined && { targetCes: touchpoint.targetCes }),
      status: {
        nps: npsTargetStatus(group, touchpoint.targetNps),
        ...(touchpoint.targetCsat !== undefined && {
          csat: csatTargetStatus(
            group.csat ?? { n: 0, csat: null },
            touchpoint.targetCsat,
            minSample,
          ),
        }),
        ...(touchpoint.targetCes !== undefined && {
          ces: cesTargetStatus(group.ces ?? { n: 0, ces: null }, touchpoint.targetCes, minSample),
        }),
      },
    };
  });
  const unknown = [...unknownLabels]
    .map(([form, label]): JourneyStep => ({
      ...figures(`u:${form}`),
      key: form,
      kind: 'unknown',
      labelEn: label,
      labelFr: label,
    }))
    .sort((a, b) => answered(b) - answered(a));
  const unspecified = groups.get(UNSPECIFIED_KEY);
  return [
    ...configured,
    ...unknown,
    ...(unspecified
      ? [{ ...unspecified, kind: 'unspecified' as const, labelEn: '', labelFr: '' }]
      : []),
  ];
}

function referenceSummary(
  answers: readonly SummaryAnswer[],
  options: AccountSummaryOptions,
): AccountSummary {
  const DAY_MS = 86_400_000;
  const windowDays = options.windowDays ?? 90;
  const nowMs = parseInstant(options.now, 'now');
  const fromMs = nowMs - windowDays * DAY_MS;
  const trendFromMs = Date.UTC(
    new Date(nowMs).getUTCFullYear(),
    new Date(nowMs).getUTCMonth() - ((options.trendMonths ?? 12) - 1),
    1,
  );
  const inWindow: SummaryAnswer[] = [];
  const inTrend: SummaryAnswer[] = [];
  for (const answer of answers) {
    const at = parseInstant(answer.answeredAt, 'answeredAt');
    if (at > nowMs) continue;
    if (at > fromMs) inWindow.push(answer);
    if (at >= trendFromMs) inTrend.push(answer);
  }
  const overall = summarizeScores(inWindow, options);
  const verbatims = inWindow
    .filter((answer) => answer.comment && answer.comment.trim() !== '')
    .sort(
      (a, b) => parseInstant(b.answeredAt, 'answeredAt') - parseInstant(a.answeredAt, 'answeredAt'),
    )
    .slice(0, options.verbatimCount ?? 5)
    .map((answer): Verbatim => ({
      answerId: answer.id,
      metric: answer.metric,
      score: answer.score,
      category: classifyScore(answer.metric, answer.score),
      comment: answer.comment as string,
      answeredAt: answer.answeredAt,
      ...(answer.touchpoint !== undefined && { touchpoint: answer.touchpoint }),
      ...(answer.language !== undefined && { language: answer.language }),
    }));
  const trend = trendBy(inTrend, 'month', {
    ...options,
    range: { from: new Date(trendFromMs).toISOString(), to: options.now },
  });
  return {
    window: {
      from: new Date(fromMs).toISOString(),
      to: new Date(nowMs).toISOString(),
      days: windowDays,
    },
    overall,
    trend,
    touchpoints: breakdownByTouchpoint(inWindow, options),
    journey: referenceJourney(inWindow, options.touchpoints ?? DEFAULT_TOUCHPOINTS, options),
    verbatims,
    norm: options.norm
      ? { ...options.norm, comparison: compareWithNorm(overall, options.norm) }
      : null,
  };
}

/** The result or the error of a call, in a form that compares key order and error text too. */
function outcome(run: () => unknown): string {
  try {
    return JSON.stringify({ result: run() });
  } catch (error) {
    return JSON.stringify({
      error: (error as Error).constructor.name,
      message: (error as Error).message,
      ...(error as object),
    });
  }
}

const NOW_MS = Date.parse('2026-11-22T12:00:00Z');
const DAY_MS = 86_400_000;

const labels = fc.constantFrom(
  undefined,
  '',
  '   ',
  'unspecified',
  'after-sale',
  'After-Sale',
  'Après-vente',
  'apres vente ',
  'pre-sale',
  'Contracting',
  'Onboarding',
  'onboarding!',
  ' Onboarding',
  'Zèbre',
);

/** Mostly valid answers, a few with an invalid score, a date in another offset or no date. */
const answerArb = (id: number) =>
  fc
    .record({
      metric: fc.constantFrom<Metric>('nps', 'nps', 'nps', 'csat', 'ces'),
      score: fc.oneof(
        { weight: 30, arbitrary: fc.integer({ min: 1, max: 5 }) },
        { weight: 30, arbitrary: fc.integer({ min: 0, max: 10 }) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 11, 7.5, Number.NaN) },
      ),
      // From 800 days before now to 5 days after, to the millisecond or on a few shared instants.
      offset: fc.oneof(
        fc.integer({ min: -800 * DAY_MS, max: 5 * DAY_MS }),
        fc.constantFrom(0, -90 * DAY_MS, -DAY_MS, 1),
      ),
      format: fc.oneof(
        { weight: 20, arbitrary: fc.constant('iso' as const) },
        { weight: 3, arbitrary: fc.constant('offset' as const) },
        { weight: 1, arbitrary: fc.constant('invalid' as const) },
      ),
      touchpoint: labels,
      comment: fc.constantFrom(undefined, '', '  ', 'Trop cher', 'Great support'),
      language: fc.constantFrom(undefined, 'fr', 'en-GB'),
    })
    .map(({ offset, format, touchpoint, comment, language, ...rest }): SummaryAnswer => {
      const at = NOW_MS + offset;
      const answeredAt =
        format === 'iso'
          ? new Date(at).toISOString()
          : format === 'offset'
            ? `${new Date(at + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`
            : 'last tuesday';
      return {
        id: `a${id}`,
        ...rest,
        answeredAt,
        ...(touchpoint !== undefined && { touchpoint }),
        ...(comment !== undefined && { comment }),
        ...(language !== undefined && { language }),
      };
    });

const answersArb = fc
  .array(fc.nat(), { maxLength: 120 })
  .chain((ids) => fc.tuple(...ids.map((_, index) => answerArb(index))));

const optionsArb = fc.record(
  {
    now: fc.constantFrom('2026-11-22T12:00:00Z', '2026-03-01T00:00:00Z', '2027-01-31T23:59:59Z'),
    windowDays: fc.constantFrom(1, 30, 90, 400, 0),
    trendMonths: fc.constantFrom(1, 3, 12, 26, 0, -2),
    verbatimCount: fc.constantFrom(0, 1, 5, 50),
    minSample: fc.constantFrom(1, 30),
    norm: fc.record({ nps: fc.integer({ min: -100, max: 100 }), margin: fc.constantFrom(0, 5) }),
  },
  { requiredKeys: ['now'] },
);

describe('summarizeAccount against the straightforward reference', () => {
  it('gives the same summary, or the same error, for any answers and options', () => {
    fc.assert(
      fc.property(answersArb, optionsArb, (answers, options) => {
        expect(outcome(() => summarizeAccount(answers, options))).toBe(
          outcome(() => referenceSummary(answers, options)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same summary over answers that are all valid', () => {
    const valid = (answers: SummaryAnswer[]) =>
      answers.filter(
        (a) =>
          !Number.isNaN(Date.parse(a.answeredAt)) &&
          Number.isInteger(a.score) &&
          a.score >= (a.metric === 'nps' ? 0 : 1) &&
          a.score <= (a.metric === 'nps' ? 10 : a.metric === 'csat' ? 5 : 7),
      );
    fc.assert(
      fc.property(answersArb.map(valid), optionsArb, (answers, options) => {
        const summary = outcome(() => summarizeAccount(answers, options));
        expect(summary).not.toContain('"error"');
        expect(summary).toBe(outcome(() => referenceSummary(answers, options)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('journeySteps against the straightforward reference', () => {
  it('gives the same steps, or the same error, for any answers', () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom(1, 30), (answers, minSample) => {
        expect(outcome(() => journeySteps(answers, DEFAULT_TOUCHPOINTS, { minSample }))).toBe(
          outcome(() => referenceJourney(answers, DEFAULT_TOUCHPOINTS, { minSample })),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('summarizeAccounts', () => {
  const accountsArb = answersArb.chain((answers) =>
    fc
      .array(fc.constantFrom('acme', 'globex', 'initech'), {
        minLength: answers.length,
        maxLength: answers.length,
      })
      .map((accounts) => answers.map((answer, index) => ({ ...answer, account: accounts[index] }))),
  );

  it('gives each account the summary of its own answers, in order of first answer', () => {
    fc.assert(
      fc.property(accountsArb, optionsArb, (answers, options) => {
        const byAccount = new Map<string, SummaryAnswer[]>();
        for (const answer of answers) {
          const list = byAccount.get(answer.account as string) ?? [];
          list.push(answer);
          byAccount.set(answer.account as string, list);
        }
        const separately = outcome(() => [
          ...new Map([...byAccount].map(([key, list]) => [key, summarizeAccount(list, options)])),
        ]);
        const together = outcome(() => [
          ...summarizeAccounts(answers, (answer) => answer.account as string, options),
        ]);
        // Both refuse the same inputs; when neither does, the figures are the same.
        expect(together.startsWith('{"error"')).toBe(separately.startsWith('{"error"'));
        if (!together.startsWith('{"error"')) expect(together).toBe(separately);
      }),
      { numRuns: 300 },
    );
  });

  it('reports an invalid date before an invalid score read earlier', () => {
    const answers = [
      { id: 'a', metric: 'nps' as const, score: 12, answeredAt: '2026-11-01T00:00:00Z' },
      { id: 'b', metric: 'nps' as const, score: 9, answeredAt: 'yesterday' },
    ];
    expect(() => summarizeAccounts(answers, () => 'acme', { now: '2026-11-22T12:00:00Z' })).toThrow(
      /answeredAt must be an ISO 8601 date/,
    );
  });
});

describe('summarizeAccount of an answer of an unknown metric', () => {
  it('refuses it as the figures of its window do', () => {
    const answers = [
      { id: 'a', metric: 'nss' as Metric, score: 9, answeredAt: '2026-11-01T00:00:00Z' },
    ];
    const now = '2026-11-22T12:00:00Z';
    expect(outcome(() => summarizeAccount(answers, { now }))).toBe(
      outcome(() => referenceSummary(answers, { now })),
    );
    expect(() => summarizeAccount(answers, { now })).toThrow();
  });
});
