import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  answerFileRowSchema,
  answerSchema,
  answersBodySchema,
  businessHoursSchema,
  calendarDateSchema,
  callbackOutcomeSchema,
  callbackSchema,
  describeIssues,
  isDatedAhead,
  dissonanceSettingsSchema,
  insightsQuerySchema,
  ratingSchema,
  serverSettingsSchema,
  surveyPressureSchema,
  thresholdRuleSchema,
  thresholdRulesSchema,
  toFieldIssues,
} from '../src/schemas/index.ts';
import { DEFAULT_DISSONANCE_SETTINGS, DEFAULT_THRESHOLD_RULES } from '../src/index.ts';

/** The field issues of a value a schema refuses. */
function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return toFieldIssues(result.error);
}

const validAnswer = {
  id: 'ans-8812',
  score: 4,
  comment: 'Délai de réponse beaucoup trop long',
  touchpoint: 'after-sale',
  answeredAt: '2026-11-20T09:14:00Z',
  language: 'fr',
  respondent: { email: 'claire@acme.example', name: 'Claire Martin' },
  account: { domain: 'ACME.example' },
  interactionId: 'case-5521',
  employeeEmail: 'paul@vendor.example',
};

describe('answerSchema', () => {
  it('accepts the answer of the API contract and applies the defaults', () => {
    expect(answerSchema.parse(validAnswer)).toEqual({
      ...validAnswer,
      source: 'api',
      metric: 'nps',
      account: { domain: 'acme.example' },
    });
  });

  it.each([
    [{ score: 11 }, 'score', 'must be an integer from 0 to 10 for metric nps'],
    [{ score: 6.5 }, 'score', 'must be an integer from 0 to 10 for metric nps'],
    [{ metric: 'csat', score: 0 }, 'score', 'must be an integer from 1 to 5 for metric csat'],
    [{ metric: 'ces', score: 8 }, 'score', 'must be an integer from 1 to 7 for metric ces'],
    [{ score: '7' }, 'score', 'must be a number'],
    [{ metric: 'ratio' }, 'metric', 'must be one of nps, csat, ces'],
    [{ id: '  ' }, 'id', 'must not be empty'],
    [{ id: 'a\u0000b' }, 'id', 'must not contain control characters'],
    [{ touchpoint: 'after\nsale' }, 'touchpoint', 'must not contain control characters'],
    [
      { answeredAt: '2026-11-20' },
      'answeredAt',
      'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
    ],
    [
      { answeredAt: '2026-11-20T09:14:00' },
      'answeredAt',
      'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
    ],
    [
      { source: 'Type Form' },
      'source',
      'must be 1–40 lowercase letters, digits, "-" or "_", e.g. "api" or "typeform"',
    ],
    [{ language: 'french!' }, 'language', 'must be a BCP 47 language tag such as fr or en-GB'],
    [{ respondent: { email: 'claire' } }, 'respondent.email', 'must be an email address'],
    [{ account: {} }, 'account', 'needs at least one of domain, crmAccountId, hubspotCompanyId'],
    [
      { account: { domain: 'not a domain' } },
      'account.domain',
      'must be a domain name such as acme.example',
    ],
    [{ comment: 'x'.repeat(32001) }, 'comment', 'must be at most 32,000 characters'],
    [{ scor: 4 }, 'scor', 'unknown field'],
  ])('refuses %o, naming the field', (change, path, message) => {
    expect(issuesOf(answerSchema, { ...validAnswer, ...change })).toContainEqual({ path, message });
  });

  const RANGE =
    'must be from 1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z (what Salesforce stores)';
  it.each([
    ['0000-01-01T00:00:00Z'],
    ['1699-12-31T23:59:59Z'],
    ['1700-01-01T00:00:00+01:00'], // 1699-12-31T23:00Z
    ['4000-12-31T00:00:01Z'],
    ['9999-12-31T23:59:59Z'],
    ['9999-12-31T23:59:59-14:00'], // year 10000 in UTC, which sorts before every other instant
  ])('refuses answeredAt %s, which Salesforce would refuse', (answeredAt) => {
    expect(issuesOf(answerSchema, { ...validAnswer, answeredAt })).toEqual([
      { path: 'answeredAt', message: RANGE },
    ]);
    expect(
      issuesOf(ratingSchema, {
        id: 'r1',
        interactionId: 'case-1',
        employeeEmail: 'paul@vendor.example',
        rating: 4,
        ratedAt: answeredAt,
      }),
    ).toEqual([{ path: 'ratedAt', message: RANGE }]);
  });

  it.each([['1700-01-01T00:00:00Z'], ['4000-12-31T00:00:00Z'], ['1970-01-01T00:00:00Z']])(
    'accepts answeredAt %s, at or within the bounds',
    (answeredAt) => {
      expect(answerSchema.parse({ ...validAnswer, answeredAt }).answeredAt).toBe(answeredAt);
    },
  );

  it('tells an instant dated further ahead than clocks drift', () => {
    const now = Date.parse('2026-11-20T09:00:00Z');
    expect(isDatedAhead('2026-11-20T09:09:59Z', now)).toBe(false);
    expect(isDatedAhead('2026-11-20T09:10:01Z', now)).toBe(true);
    expect(isDatedAhead('2029-01-01T00:00:00Z', now)).toBe(true);
  });

  it.each([null, 5, 'answer'])('refuses %j as a body, without throwing', (body) => {
    expect(issuesOf(answersBodySchema, body)).toEqual([
      { path: '(root)', message: expect.stringContaining('expected object') },
    ]);
    expect(issuesOf(answerSchema, body)[0]?.path).toBe('(root)');
  });

  it('refuses a list as the body, saying what to send instead', () => {
    expect(issuesOf(answersBodySchema, [validAnswer])).toEqual([
      {
        path: '(root)',
        message: 'must be one answer object, or {"answers": [...]} for several, not a list',
      },
    ]);
  });

  it('refuses an answer with neither a respondent nor an account, naming both', () => {
    const { respondent: _r, account: _a, ...orphan } = validAnswer;
    const issues = issuesOf(answersBodySchema, { ...orphan, respondent: { name: 'Claire' } });
    expect(issues.map((issue) => issue.path)).toEqual(['respondent', 'account']);
    expect(issuesOf(answersBodySchema, { answers: [orphan] })[0]).toEqual({
      path: 'answers.0.respondent',
      message: 'required (an email, crmContactId or hubspotContactId) unless account is given',
    });
    expect(answersBodySchema.parse({ ...orphan, account: validAnswer.account })).toHaveLength(1);
    for (const respondent of [
      { email: 'c@acme.example' },
      { crmContactId: '003x' },
      { hubspotContactId: '51' },
    ])
      expect(answersBodySchema.parse({ ...orphan, respondent })).toHaveLength(1);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(answerSchema, { score: 12, respondent: { email: 'x', age: 3 } });
    expect(issues.map((issue) => issue.path)).toEqual([
      'id',
      'answeredAt',
      'respondent.email',
      'respondent.age',
      'score',
    ]);
  });

  it('takes a batch of up to 1,000 answers', () => {
    expect(answersBodySchema.parse({ answers: [validAnswer] })).toMatchObject([{ id: 'ans-8812' }]);
    expect(answersBodySchema.parse(validAnswer)).toMatchObject([{ id: 'ans-8812' }]);
    const tooMany = { answers: Array.from({ length: 1001 }, () => validAnswer) };
    expect(issuesOf(answersBodySchema, tooMany)).toContainEqual({
      path: 'answers',
      message: 'must hold at most 1,000 answers',
    });
    expect(issuesOf(answersBodySchema, { answers: [] })).toContainEqual({
      path: 'answers',
      message: 'must hold at least one answer',
    });
    expect(
      issuesOf(answersBodySchema, { answers: [{ ...validAnswer, score: -1 }] }),
    ).toContainEqual({
      path: 'answers.0.score',
      message: 'must be an integer from 0 to 10 for metric nps',
    });
  });
});

describe('ratingSchema', () => {
  const rating = {
    id: 'r-1',
    interactionId: 'case-5521',
    employeeEmail: 'paul@vendor.example',
    rating: 4,
    ratedAt: '2026-11-20T10:00:00Z',
  };

  it('accepts an employee rating', () => {
    expect(ratingSchema.parse(rating)).toEqual({ ...rating, source: 'api' });
  });

  it.each([0, 6, 2.5])('refuses the rating %s', (value) => {
    expect(issuesOf(ratingSchema, { ...rating, rating: value })).toEqual([
      { path: 'rating', message: 'must be an integer from 1 to 5' },
    ]);
  });
});

describe('thresholdRuleSchema', () => {
  const rule = {
    id: 'r',
    minScore: 0,
    maxScore: 6,
    kind: 'detractor_recovery',
    slaHours: 24,
    assignTo: 'account_owner',
  };

  it('accepts every shipped rule', () => {
    expect(thresholdRulesSchema.parse(DEFAULT_THRESHOLD_RULES)).toEqual(DEFAULT_THRESHOLD_RULES);
  });

  it.each([
    [{ minScore: -1 }, 'minScore', 'must be from 0 to 10 for metric nps'],
    [
      { metric: 'csat', maxScore: 6, minScore: 1 },
      'maxScore',
      'must be from 1 to 5 for metric csat',
    ],
    [{ minScore: 7 }, 'maxScore', 'must be ≥ minScore'],
    [{ assignTo: 'queue' }, 'queue', 'is required when assignTo is queue'],
    [
      { escalateAfterHours: 12 },
      'escalateAfterHours',
      'must be ≥ slaHours: a callback escalates only once it is late',
    ],
    [{ slaHours: 0 }, 'slaHours', 'must be more than 0 hours'],
    [{ slaHours: 9000 }, 'slaHours', 'must be at most 8,760 hours (a year)'],
    [
      { kind: 'panic' },
      'kind',
      'must be one of detractor_recovery, promoter_thanks, dissonance, account_alert',
    ],
    [{ assignTo: 'ceo' }, 'assignTo', 'must be one of account_owner, owners_manager, queue'],
  ])('refuses %o, naming the field', (change, path, message) => {
    expect(issuesOf(thresholdRuleSchema, { ...rule, ...change })).toContainEqual({ path, message });
  });

  it('refuses two rules with the same id', () => {
    expect(issuesOf(thresholdRulesSchema, [rule, { ...rule, slaHours: 4 }])).toEqual([
      { path: '1.id', message: 'duplicates rule id "r"' },
    ]);
  });
});

describe('callback schemas', () => {
  it('accepts a callback and an outcome', () => {
    const callback = {
      id: 'cb-1',
      answerId: 'ans-1',
      kind: 'detractor_recovery',
      status: 'open',
      slaHours: 24,
      createdAt: '2026-11-20T09:00:00Z',
      dueAt: '2026-11-21T09:00:00Z',
    };
    expect(callbackSchema.parse(callback)).toEqual(callback);
    expect(callbackOutcomeSchema.parse({ status: 'reached', outcome: 'Refund agreed' })).toEqual({
      status: 'reached',
      outcome: 'Refund agreed',
    });
  });

  it('refuses an outcome that moves a callback back to open', () => {
    expect(issuesOf(callbackOutcomeSchema, { status: 'open' })).toEqual([
      {
        path: 'status',
        message: 'must be one of attempted, reached, resolved, escalated, closed_no_contact',
      },
    ]);
  });
});

describe('settings schemas', () => {
  const hours = { timeZone: 'Europe/Paris', days: ['mon'], start: '09:00', end: '18:00' };

  it('accepts business hours and defaults the holidays', () => {
    expect(businessHoursSchema.parse({ ...hours, end: '24:00' })).toEqual({
      ...hours,
      end: '24:00',
      holidays: [],
    });
  });

  it.each([
    [{ timeZone: 'Paris' }, 'timeZone', 'must be an IANA time zone such as Europe/Paris'],
    [{ days: [] }, 'days', 'must name at least one working day'],
    [{ days: ['mon', 'mon'] }, 'days', 'must not repeat a day'],
    [{ days: ['monday'] }, 'days.0', 'must be one of mon, tue, wed, thu, fri, sat, sun'],
    [{ start: '9:00' }, 'start', 'must be a time HH:MM from 00:00 to 23:59'],
    [{ end: '24:30' }, 'end', 'must be a time HH:MM from 00:01 to 24:00'],
    [{ start: '18:00', end: '09:00' }, 'end', 'must be after start'],
    [{ holidays: ['2026-02-30'] }, 'holidays.0', 'is not a date that exists'],
    [{ holidays: ['30/12/2026'] }, 'holidays.0', 'must be a date YYYY-MM-DD'],
  ])('refuses business hours %o', (change, path, message) => {
    expect(issuesOf(businessHoursSchema, { ...hours, ...change })).toContainEqual({
      path,
      message,
    });
  });

  it('accepts real calendar dates only', () => {
    expect(calendarDateSchema.safeParse('2028-02-29').success).toBe(true);
    expect(calendarDateSchema.safeParse('2026-02-29').success).toBe(false);
  });

  it('accepts the default dissonance settings and refuses inverted bands', () => {
    expect(dissonanceSettingsSchema.parse(DEFAULT_DISSONANCE_SETTINGS)).toEqual(
      DEFAULT_DISSONANCE_SETTINGS,
    );
    const inverted = structuredClone(DEFAULT_DISSONANCE_SETTINGS) as {
      bands: { nps: { happy: { min: number } } };
    };
    inverted.bands.nps.happy.min = 11;
    expect(
      issuesOf(dissonanceSettingsSchema, {
        ...DEFAULT_DISSONANCE_SETTINGS,
        ...inverted,
        confidentMin: 6,
      }),
    ).toEqual([
      { path: 'confidentMin', message: 'must be an integer from 1 to 5' },
      { path: 'bands.nps.happy.max', message: 'must be ≥ min' },
    ]);
  });

  it('defaults the survey-pressure caps to one survey per contact per 90 days', () => {
    expect(surveyPressureSchema.parse({})).toEqual({
      contactMinDays: 90,
      accountWindowDays: 30,
      quietPeriods: [],
    });
    expect(
      issuesOf(surveyPressureSchema, { quietPeriods: [{ from: '13-01', to: '12-31' }] }),
    ).toEqual([{ path: 'quietPeriods.0.from', message: 'must be MM-DD' }]);
  });
});

describe('answerFileRowSchema', () => {
  it('reads the text cells of a CSV row, empty cells being absent', () => {
    expect(
      answerFileRowSchema.parse({
        id: 'a1',
        metric: '',
        score: ' 9 ',
        touchpoint: '',
        email: 'c@acme.example',
      }),
    ).toEqual({
      id: 'a1',
      metric: 'nps',
      score: 9,
      email: 'c@acme.example',
    });
    expect(answerFileRowSchema.parse({ id: 'a2', metric: 'ces', score: '7' })).toMatchObject({
      metric: 'ces',
      score: 7,
    });
  });

  it.each([
    [{ score: '7.5' }, 'score', 'must be a whole number'],
    [{ score: '' }, 'score', 'must be a whole number'],
    [{ score: undefined }, 'score', 'is required'],
    [{ score: '11' }, 'score', 'must be an integer from 0 to 10 for metric nps'],
    [{ metric: 'csat', score: '0' }, 'score', 'must be an integer from 1 to 5 for metric csat'],
    [
      { answeredAt: 'yesterday' },
      'answeredAt',
      'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
    ],
    [{ region: 'north' }, 'region', 'unknown field'],
  ])('refuses %o with one issue naming the field', (change, path, message) => {
    expect(issuesOf(answerFileRowSchema, { id: 'a1', score: '7', ...change })).toEqual([
      { path, message },
    ]);
  });
});

describe('issue formatting', () => {
  it('names several unknown fields and problems of the whole object', () => {
    expect(issuesOf(answerSchema, { ...validAnswer, a: 1, b: 2 })).toContainEqual({
      path: 'a, b',
      message: 'unknown fields',
    });
    expect(issuesOf(answersBodySchema, 'hello')).toEqual([
      { path: '(root)', message: 'Invalid input: expected object, received string' },
    ]);
  });

  it('says "required" for a field left out, given what was parsed', () => {
    const body = { ...validAnswer, id: undefined, score: 'high' };
    const result = answerSchema.safeParse(body);
    expect(toFieldIssues((result as { error: z.ZodError }).error, body)).toEqual([
      { path: 'id', message: 'required' },
      { path: 'score', message: 'must be a number' },
    ]);
    const outcome = callbackOutcomeSchema.safeParse({});
    expect(toFieldIssues((outcome as { error: z.ZodError }).error, {})).toEqual([
      { path: 'status', message: 'required' },
    ]);
    // A path through something that is not an object is not there either.
    expect(toFieldIssues((result as { error: z.ZodError }).error, null)[1]).toEqual({
      path: 'score',
      message: 'required',
    });
  });

  it.each([
    ['hello', 'must be a JSON object, not a string'],
    [null, 'must be a JSON object, not null'],
    [[1], 'must be a JSON object, not a list'],
  ])('says what a body %j is instead of an object', (body, message) => {
    const result = ratingSchema.safeParse(body);
    expect(toFieldIssues((result as { error: z.ZodError }).error, body)).toEqual([
      { path: '(root)', message },
    ]);
  });

  it('keeps the message of a value of the wrong type at the root that need not be an object', () => {
    const result = calendarDateSchema.safeParse(5);
    expect(toFieldIssues((result as { error: z.ZodError }).error, 5)[0]?.message).not.toContain(
      'JSON object',
    );
  });

  it('writes one line per problem for the command line', () => {
    expect(describeIssues((ratingSchema.safeParse({}) as { error: z.ZodError }).error, {})).toBe(
      'id: required; interactionId: required; employeeEmail: required; rating: required; ratedAt: required',
    );
    const result = ratingSchema.safeParse({});
    expect(result.success).toBe(false);
    expect(describeIssues((result as { error: z.ZodError }).error)).toBe(
      'id: must be a string; interactionId: must be a string; employeeEmail: must be an email address; rating: must be a number; ratedAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
    );
  });
});

describe('serverSettingsSchema', () => {
  it('accepts the shipped rules with defaults for the rest, and names bad fields', () => {
    expect(serverSettingsSchema.parse({ rules: DEFAULT_THRESHOLD_RULES })).toMatchObject({
      rules: DEFAULT_THRESHOLD_RULES,
      pressure: { contactMinDays: 90 },
    });
    expect(
      issuesOf(serverSettingsSchema, {
        rules: [{ ...DEFAULT_THRESHOLD_RULES[0], slaHours: -1 }],
        businessHours: { timeZone: 'Nowhere' },
      }),
    ).toEqual(
      expect.arrayContaining([
        { path: 'rules.0.slaHours', message: 'must be more than 0 hours' },
        {
          path: 'businessHours.timeZone',
          message: 'must be an IANA time zone such as Europe/Paris',
        },
      ]),
    );
  });
});

describe('insightsQuerySchema', () => {
  it('reads the breakdown, a window in days and defaults the rest', () => {
    expect(insightsQuerySchema.parse({ by: 'owner' })).toEqual({
      by: 'owner',
      window: 90,
      minSample: 30,
    });
    expect(
      insightsQuerySchema.parse({
        by: 'touchpoint',
        window: '730d',
        crm: 'hubspot',
        minSample: '5',
        cacheBuster: '1',
      }),
    ).toEqual({ by: 'touchpoint', window: 730, crm: 'hubspot', minSample: 5 });
  });

  it.each([
    [{}, 'by', 'is required: one of owner, team, region, touchpoint'],
    [{ by: 'country' }, 'by', 'must be one of owner, team, region, touchpoint, got "country"'],
    [
      { by: 'owner', window: '3m' },
      'window',
      'must be a number of days from 1d to 730d such as 90d, got "3m"',
    ],
    [
      { by: 'owner', window: '0d' },
      'window',
      'must be a number of days from 1d to 730d such as 90d, got "0d"',
    ],
    [
      { by: 'owner', window: '731d' },
      'window',
      'must be a number of days from 1d to 730d such as 90d, got "731d"',
    ],
    [{ by: 'owner', window: ['90d', '30d'] }, 'window', 'must be a number of days such as 90d'],
    [{ by: 'owner', crm: 'pipedrive' }, 'crm', 'must be salesforce or hubspot'],
    [{ by: 'owner', minSample: '2.5' }, 'minSample', 'must be a whole number from 1 to 1000'],
    [{ by: 'owner', minSample: 'many' }, 'minSample', 'must be a whole number from 1 to 1000'],
    [{ by: 'owner', minSample: '0' }, 'minSample', 'must be a whole number from 1 to 1000'],
    [{ by: 'owner', minSample: '1001' }, 'minSample', 'must be a whole number from 1 to 1000'],
  ])('refuses %o, naming %s', (query, path, message) => {
    const result = insightsQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(toFieldIssues((result as { error: z.ZodError }).error)).toEqual([{ path, message }]);
  });
});
