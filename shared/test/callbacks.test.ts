import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Callback, CallbackOutcome } from '../src/schemas/index.ts';
import {
  CALLBACK_STATUSES,
  CALLBACK_TARGET_STATUSES,
  CALLBACK_TRANSITIONS,
  canTransition,
  decideEscalation,
  hoursLeft,
  isFurtherAlong,
  nextCallbackState,
  slaStatus,
} from '../src/index.ts';

const created = '2026-11-20T09:00:00Z';
const callback = (overrides: Partial<Callback> = {}): Callback => ({
  id: 'cb-1',
  answerId: 'ans-1',
  kind: 'detractor_recovery',
  status: 'open',
  slaHours: 24,
  createdAt: created,
  dueAt: '2026-11-21T09:00:00Z',
  ...overrides,
});
const log = (
  cb: Callback,
  status: CallbackOutcome['status'],
  extra: Partial<CallbackOutcome> = {},
) => nextCallbackState(cb, { status, ...extra }, '2026-11-20T10:00:00Z');
const apply = (cb: Callback, ...steps: [CallbackOutcome['status'], Partial<CallbackOutcome>?][]) =>
  steps.reduce((current, [status, extra]) => {
    const result = log(current, status, extra);
    if (!result.ok) throw new Error(result.reason);
    return result.callback;
  }, cb);

describe('nextCallbackState', () => {
  it('walks Open → Attempted → Reached → Resolved, stamping each step', () => {
    const attempted = apply(callback(), [
      'attempted',
      { at: '2026-11-20T09:30:00Z', notes: 'voicemail' },
    ]);
    expect(attempted).toMatchObject({
      status: 'attempted',
      firstContactAt: '2026-11-20T09:30:00Z',
      notes: 'voicemail',
    });
    const reached = apply(attempted, ['reached', { at: '2026-11-20T11:00:00Z' }]);
    expect(reached).toMatchObject({
      status: 'reached',
      firstContactAt: '2026-11-20T09:30:00Z',
      reachedAt: '2026-11-20T11:00:00Z',
    });
    const resolved = apply(reached, [
      'resolved',
      {
        outcome: 'Delivery rescheduled',
        rootCause: 'Logistics',
        followUpAction: 'Call back Friday',
      },
    ]);
    expect(resolved).toMatchObject({
      status: 'resolved',
      closedAt: '2026-11-20T10:00:00Z',
      outcome: 'Delivery rescheduled',
      rootCause: 'Logistics',
      followUpAction: 'Call back Friday',
      notes: 'voicemail',
    });
  });

  it('lets a manager reach the customer at the first call', () => {
    expect(apply(callback(), ['reached'])).toMatchObject({
      status: 'reached',
      firstContactAt: '2026-11-20T10:00:00Z',
      reachedAt: '2026-11-20T10:00:00Z',
    });
  });

  it('escalates an unfinished callback and keeps it workable', () => {
    const escalated = apply(callback(), ['escalated']);
    expect(escalated).toMatchObject({ status: 'escalated', escalatedAt: '2026-11-20T10:00:00Z' });
    expect(apply(escalated, ['reached'], ['resolved', { outcome: 'Apologised' }]).status).toBe(
      'resolved',
    );
    expect(apply(escalated, ['attempted'], ['closed_no_contact']).status).toBe('closed_no_contact');
  });

  it.each([
    ['open', 'resolved', 'a callback cannot go from Open to Resolved'],
    ['open', 'closed_no_contact', 'a callback cannot go from Open to Closed no contact'],
    ['reached', 'attempted', 'a callback cannot go from Reached to Attempted'],
    ['resolved', 'attempted', 'the callback is already Resolved: a closed loop cannot be reopened'],
    [
      'closed_no_contact',
      'reached',
      'the callback is already Closed no contact: a closed loop cannot be reopened',
    ],
  ] as const)('refuses %s → %s with a reason', (from, to, reason) => {
    expect(log(callback({ status: from }), to)).toEqual({ ok: false, reason });
  });

  it('refuses to resolve without having reached the customer', () => {
    expect(log(callback({ status: 'escalated' }), 'resolved', { outcome: 'x' })).toEqual({
      ok: false,
      reason: 'a callback is resolved only after the customer was reached',
    });
  });

  it('refuses to resolve without an outcome, unless one was logged before', () => {
    const reached = apply(callback(), ['reached']);
    expect(log(reached, 'resolved')).toEqual({
      ok: false,
      reason: 'an outcome is required to resolve a callback',
    });
    const withOutcome = apply(callback(), ['reached', { outcome: 'Refund agreed' }]);
    expect(log(withOutcome, 'resolved').ok).toBe(true);
  });

  it('refuses to close without contact before any attempt', () => {
    expect(log(callback({ status: 'escalated' }), 'closed_no_contact')).toEqual({
      ok: false,
      reason: 'log at least one contact attempt before closing without contact',
    });
  });

  it('refuses an event dated before the callback existed', () => {
    expect(log(callback(), 'attempted', { at: '2026-11-19T09:00:00Z' })).toEqual({
      ok: false,
      reason: 'at must not be before the callback was created',
    });
  });

  it('never leaves the callback graph, whatever is logged', () => {
    const event = fc.record({
      status: fc.constantFrom(...CALLBACK_TARGET_STATUSES),
      outcome: fc.option(fc.constant('Solved'), { nil: undefined }),
      minutes: fc.integer({ min: -60, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let current = callback();
        for (const { status, outcome, minutes } of events) {
          const at = new Date(Date.parse(created) + minutes * 60_000).toISOString();
          const result = nextCallbackState(current, { status, outcome, at }, at);
          if (result.ok) {
            expect(canTransition(current.status, status)).toBe(true);
            current = result.callback;
          }
          expect(CALLBACK_STATUSES).toContain(current.status);
          if (current.status === 'resolved') expect(current.reachedAt).toBeDefined();
          if (current.status === 'closed_no_contact') expect(current.firstContactAt).toBeDefined();
        }
      }),
    );
  });
});

describe('slaStatus', () => {
  it.each([
    ['2026-11-20T12:00:00Z', 'on_time'],
    ['2026-11-21T03:00:00Z', 'on_time'],
    ['2026-11-21T05:00:00Z', 'due_soon'],
    ['2026-11-21T09:00:00Z', 'due_soon'],
    ['2026-11-21T09:00:01Z', 'overdue'],
  ])('at %s an open 24 h callback is %s', (now, status) => {
    expect(slaStatus(callback(), now)).toBe(status);
  });

  it('warns a quarter of a short SLA ahead', () => {
    const fourHours = callback({ slaHours: 4, dueAt: '2026-11-20T13:00:00Z' });
    expect(slaStatus(fourHours, '2026-11-20T11:59:00Z')).toBe('on_time');
    expect(slaStatus(fourHours, '2026-11-20T12:00:00Z')).toBe('due_soon');
  });

  it('stops the clock when the customer is reached or the callback closed', () => {
    expect(
      slaStatus(
        callback({ status: 'reached', reachedAt: '2026-11-21T09:00:00Z' }),
        '2026-12-01T00:00:00Z',
      ),
    ).toBe('met');
    expect(
      slaStatus(
        callback({ status: 'reached', reachedAt: '2026-11-21T10:00:00Z' }),
        '2026-12-01T00:00:00Z',
      ),
    ).toBe('missed');
    expect(
      slaStatus(
        callback({ status: 'closed_no_contact', closedAt: '2026-11-22T10:00:00Z' }),
        created,
      ),
    ).toBe('missed');
  });

  it('gives the hours left, negative when late', () => {
    expect(hoursLeft(callback(), '2026-11-20T21:00:00Z')).toBe(12);
    expect(hoursLeft(callback(), '2026-11-21T11:00:00Z')).toBe(-2);
  });
});

describe('decideEscalation', () => {
  it('escalates an unreached callback at its escalation time', () => {
    const cb = callback({ escalateAt: '2026-11-22T09:00:00Z' });
    expect(decideEscalation(cb, '2026-11-21T12:00:00Z')).toEqual({
      escalate: false,
      reason: 'not late before 2026-11-22T09:00:00Z',
    });
    expect(decideEscalation(cb, '2026-11-22T09:00:00Z')).toEqual({
      escalate: true,
      reason: 'nobody reached the customer by 2026-11-22T09:00:00Z',
    });
  });

  it('escalates at the due time when the rule sets no escalation time', () => {
    expect(
      decideEscalation(callback({ status: 'attempted' }), '2026-11-21T09:00:00Z').escalate,
    ).toBe(true);
  });

  it.each([
    [{ status: 'escalated' as const }, 'already escalated'],
    [{ status: 'attempted' as const, escalatedAt: created }, 'already escalated'],
    [
      { status: 'reached' as const },
      'the customer was reached or the callback is closed (reached)',
    ],
    [
      { status: 'resolved' as const },
      'the customer was reached or the callback is closed (resolved)',
    ],
  ])('does not escalate %o', (overrides, reason) => {
    expect(decideEscalation(callback(overrides), '2026-12-01T00:00:00Z')).toEqual({
      escalate: false,
      reason,
    });
  });
});

describe('whether a status seen elsewhere is further along', () => {
  it.each([
    ['open', 'reached', true],
    ['escalated', 'attempted', true],
    ['reached', 'resolved', true],
    ['attempted', 'closed_no_contact', true],
    ['escalated', 'open', false],
    ['reached', 'attempted', false],
    ['attempted', 'escalated', false],
    ['attempted', 'attempted', false],
    ['resolved', 'closed_no_contact', false],
  ] as const)('from %s, %s: %s', (known, seen, expected) => {
    expect(isFurtherAlong(known, seen)).toBe(expected);
  });

  it('holds for every allowed move but a repeated attempt and escalating a contacted callback', () => {
    for (const from of CALLBACK_STATUSES) {
      for (const to of CALLBACK_TRANSITIONS[from]) {
        expect(isFurtherAlong(from, to)).toBe(
          to !== from && !(to === 'escalated' && from !== 'open'),
        );
      }
    }
  });
});
