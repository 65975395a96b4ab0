import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  answerSchema,
  answersBodySchema,
  calendarDateSchema,
  callbackOutcomeSchema,
  describeIssues,
  ratingSchema,
  toFieldIssues,
} from '../src/schemas/index.ts';
import { issuesOf, validAnswer } from './schemaFixtures.ts';

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
