import { describe, expect, it } from 'vitest';
import type { Callback } from '../src/schemas/index.ts';
import {
  loopClosureBy,
  loopClosureMetrics,
  median,
  percentile,
  type RespondentAnswer,
} from '../src/index.ts';

// Created 2026-11-20 09:00, due 24 h later; taken at 2026-11-25 00:00.
const now = '2026-11-25T00:00:00Z';
const created = '2026-11-20T09:00:00Z';
const callback = (overrides: Partial<Callback>): Callback => ({
  id: 'cb',
  answerId: 'ans',
  kind: 'detractor_recovery',
  status: 'open',
  slaHours: 24,
  createdAt: created,
  dueAt: '2026-11-21T09:00:00Z',
  ...overrides,
});

const callbacks: Callback[] = [
  // First contact after 2 h, reached then, resolved: within the SLA.
  callback({
    id: 'met',
    status: 'resolved',
    firstContactAt: '2026-11-20T11:00:00Z',
    reachedAt: '2026-11-20T11:00:00Z',
    closedAt: '2026-11-20T12:00:00Z',
    respondentEmail: 'Claire@acme.example',
  }),
  // First attempt after 4 h (within the SLA) though reached only two days later.
  callback({
    id: 'reached-late',
    status: 'reached',
    firstContactAt: '2026-11-20T13:00:00Z',
    reachedAt: '2026-11-22T09:00:00Z',
    respondentEmail: 'paul@acme.example',
  }),
  // First attempt after 30 h, never reached: late and overdue.
  callback({
    id: 'attempted-late',
    status: 'attempted',
    firstContactAt: '2026-11-21T15:00:00Z',
    respondentEmail: 'nobody@acme.example',
  }),
  // Created yesterday, due tomorrow: not judged yet.
  callback({ id: 'running', createdAt: '2026-11-24T00:00:00Z', dueAt: '2026-11-26T00:00:00Z' }),
  // A promoter thanked at once (0 h), then closed.
  callback({
    id: 'thanks',
    kind: 'promoter_thanks',
    status: 'closed_no_contact',
    firstContactAt: created,
    closedAt: created,
    respondentEmail: 'claire@acme.example',
  }),
  // Nobody called: escalated at the due time, still not contacted: late, overdue, escalated.
  callback({ id: 'escalated', status: 'escalated', escalatedAt: '2026-11-21T09:00:00Z' }),
  // Escalated, then the manager reached the customer after 27 h: late, escalated, not overdue.
  callback({
    id: 'escalated-then-reached',
    status: 'reached',
    escalatedAt: '2026-11-21T10:00:00Z',
    firstContactAt: '2026-11-21T12:00:00Z',
    reachedAt: '2026-11-21T12:00:00Z',
  }),
];

const answers: RespondentAnswer[] = [
  // Paul's next answer after his callback (before his 4 below), in capitals: the same person.
  {
    respondentEmail: 'PAUL@acme.example',
    metric: 'nps',
    score: 9,
    answeredAt: '2026-11-30T00:00:00Z',
  },
  // Still unhappy after a late attempt.
  {
    respondentEmail: 'nobody@acme.example',
    metric: 'nps',
    score: 5,
    answeredAt: '2026-11-28T00:00:00Z',
  },
  // Somebody nobody called back.
  {
    respondentEmail: 'someone@else.example',
    metric: 'nps',
    score: 10,
    answeredAt: '2026-11-22T00:00:00Z',
  },
  {
    respondentEmail: 'claire@acme.example',
    metric: 'nps',
    score: 2,
    answeredAt: '2026-11-19T00:00:00Z',
  },
  {
    respondentEmail: 'claire@acme.example',
    metric: 'nps',
    score: 3,
    answeredAt: '2027-03-20T00:00:00Z',
  },
  {
    respondentEmail: 'claire@acme.example',
    metric: 'nps',
    score: 8,
    answeredAt: '2026-12-20T00:00:00Z',
  },
  {
    respondentEmail: 'paul@acme.example',
    metric: 'csat',
    score: 5,
    answeredAt: '2026-12-01T00:00:00Z',
  },
  {
    respondentEmail: 'paul@acme.example',
    metric: 'nps',
    score: 4,
    answeredAt: '2026-12-02T00:00:00Z',
  },
];

describe('loopClosureMetrics', () => {
  it('measures first contact within the SLA, its delays, what is overdue or escalated, and recovery', () => {
    // First-contact hours: 2, 4, 30, 0, 27 → sorted 0, 2, 4, 27, 30: median 4, p90 at rank 3.6
    // = 27 + 0.6 × 3 = 28.8. Claire's next NPS answer after her callback is an 8, Paul's a 9:
    // both recovered; the unreached respondent answers a 5: still a detractor.
    expect(loopClosureMetrics(callbacks, answers, now)).toEqual({
      total: 7,
      closed: 2,
      contactedWithinSla: 3,
      contactedLate: 3,
      withinSlaShare: 0.5,
      medianHoursToFirstContact: 4,
      p90HoursToFirstContact: expect.closeTo(28.8, 9),
      overdue: 2,
      escalated: 2,
      detractorsResurveyed: 3,
      detractorsRecovered: 2,
      recoveryShare: 2 / 3,
    });
  });

  it('has nothing to measure without callbacks', () => {
    expect(loopClosureMetrics([], answers, now)).toMatchObject({
      total: 0,
      withinSlaShare: null,
      medianHoursToFirstContact: null,
      p90HoursToFirstContact: null,
      recoveryShare: null,
    });
  });
});

describe('loopClosureBy', () => {
  it('breaks the metrics down by a key over the callbacks created in the window', () => {
    // The window (2026-11-20 00:00, 2026-11-23 00:00] leaves out the callback created on the 24th.
    const groups = loopClosureBy(callbacks, (c) => c.kind, {
      now,
      window: { from: '2026-11-20T00:00:00Z', to: '2026-11-23T00:00:00Z' },
      answers,
    });
    expect(groups).toEqual([
      {
        key: 'detractor_recovery',
        total: 5,
        closed: 1,
        contactedWithinSla: 2,
        contactedLate: 3,
        withinSlaShare: 0.4,
        // 2, 4, 27, 30: median (4 + 27) / 2, p90 at rank 2.7 = 27 + 0.7 × 3.
        medianHoursToFirstContact: 15.5,
        p90HoursToFirstContact: expect.closeTo(29.1, 9),
        overdue: 2,
        escalated: 2,
        detractorsResurveyed: 3,
        detractorsRecovered: 2,
        recoveryShare: 2 / 3,
      },
      {
        key: 'promoter_thanks',
        total: 1,
        closed: 1,
        contactedWithinSla: 1,
        contactedLate: 0,
        withinSlaShare: 1,
        medianHoursToFirstContact: 0,
        p90HoursToFirstContact: 0,
        overdue: 0,
        escalated: 0,
        detractorsResurveyed: 0,
        detractorsRecovered: 0,
        recoveryShare: null,
      },
    ]);
  });

  it('groups callbacks without a key as unspecified, and takes every callback without a window', () => {
    const groups = loopClosureBy(callbacks, (c) => (c.id === 'met' ? 'paul' : undefined), { now });
    expect(groups.map((g) => [g.key, g.total])).toEqual([
      ['paul', 1],
      ['unspecified', 6],
    ]);
    expect(groups[0]?.detractorsResurveyed).toBe(0);
  });

  it('names a date that is not one', () => {
    expect(() =>
      loopClosureBy([callback({ createdAt: 'yesterday' })], () => 'x', {
        now,
        window: { from: created, to: now },
      }),
    ).toThrow(/^createdAt must be an ISO 8601 date/);
  });
});

describe('percentile', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[5, 1, 3], 0.5, 3],
    [[4, 1, 3, 2], 0.5, 2.5],
    [[10, 20, 30, 40, 50], 0.9, 46],
    [[10, 20, 30], 0, 10],
    [[10, 20, 30], 1, 30],
  ])('of %j at %s is %s', (values, q, expected) => {
    const result = percentile(values, q);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 9);
  });

  it('at one half is the median', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
