import { describe, expect, it } from 'vitest';
import {
  answerFileRowSchema,
  answerSchema,
  answersBodySchema,
  isDatedAhead,
  ratingSchema,
} from '../src/schemas/index.ts';
import { issuesOf, validAnswer } from './schemaFixtures.ts';

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
