import { describe, expect, it } from 'vitest';
import { surveyPressureSchema, type SurveyPressureSettings } from '../src/schemas/index.ts';
import { decideSurveyPressure, type SurveyEvent } from '../src/index.ts';

const caps = (input: Partial<SurveyPressureSettings> = {}) => surveyPressureSchema.parse(input);
const sent = (contactKey: string, sentAt: string, accountKey = 'acme.example'): SurveyEvent => ({
  contactKey,
  accountKey,
  sentAt,
});
const now = '2026-06-15T12:00:00Z';

describe('decideSurveyPressure', () => {
  it('allows a contact never surveyed', () => {
    expect(decideSurveyPressure({ contactKey: 'claire', history: [], caps: caps(), now })).toEqual({
      allowed: true,
    });
  });

  it('allows one survey per contact every 90 days by default, and says from when', () => {
    const history = [
      sent('claire', '2026-04-01T08:00:00Z'),
      sent('claire', '2026-01-01T08:00:00Z'),
    ];
    expect(decideSurveyPressure({ contactKey: 'claire', history, caps: caps(), now })).toEqual({
      allowed: false,
      reasons: [
        {
          code: 'contact_recently_surveyed',
          message: 'this contact was surveyed on 2026-04-01; at most one survey every 90 days',
        },
      ],
      allowedFrom: '2026-06-30T08:00:00.000Z',
    });
    expect(
      decideSurveyPressure({
        contactKey: 'claire',
        history,
        caps: caps({ contactMinDays: 60 }),
        now,
      }),
    ).toEqual({
      allowed: true,
    });
    expect(
      decideSurveyPressure({
        contactKey: 'claire',
        history,
        caps: caps({ contactMinDays: 0 }),
        now,
      }).allowed,
    ).toBe(true);
  });

  it('caps the surveys of an account in a rolling window', () => {
    const history = [
      sent('paul', '2026-05-20T00:00:00Z'),
      sent('marie', '2026-06-01T00:00:00Z'),
      sent('luc', '2026-06-10T00:00:00Z'),
      sent('other', '2026-06-10T00:00:00Z', 'other.example'),
    ];
    const input = { contactKey: 'claire', accountKey: 'acme.example', history, now };
    expect(decideSurveyPressure({ ...input, caps: caps({ accountMaxSurveys: 2 }) })).toEqual({
      allowed: false,
      reasons: [
        {
          code: 'account_cap_reached',
          message: 'this account already had 3 surveys in the last 30 days (cap 2)',
        },
      ],
      // Two surveys must leave the 30-day window: the 20 May one, then the 1 June one on 1 July.
      allowedFrom: '2026-07-01T00:00:00.000Z',
    });
    expect(decideSurveyPressure({ ...input, caps: caps({ accountMaxSurveys: 4 }) }).allowed).toBe(
      true,
    );
    expect(
      decideSurveyPressure({
        ...input,
        accountKey: undefined,
        caps: caps({ accountMaxSurveys: 1 }),
      }).allowed,
    ).toBe(true);
  });

  it('caps the surveys of a contact in a rolling window: the third in a week waits', () => {
    const history = [
      sent('claire', '2026-06-09T10:00:00Z'),
      sent('claire', '2026-06-12T10:00:00Z'),
      sent('luc', '2026-06-13T10:00:00Z'),
    ];
    const weekly = caps({ contactMinDays: 0, contactMaxSurveys: 2, contactWindowDays: 7 });
    expect(decideSurveyPressure({ contactKey: 'claire', history, caps: weekly, now })).toEqual({
      allowed: false,
      reasons: [
        {
          code: 'contact_cap_reached',
          message: 'this contact already had 2 surveys in the last 7 days (cap 2)',
        },
      ],
      allowedFrom: '2026-06-16T10:00:00.000Z',
    });
    expect(decideSurveyPressure({ contactKey: 'luc', history, caps: weekly, now }).allowed).toBe(
      true,
    );
    expect(
      decideSurveyPressure({
        contactKey: 'claire',
        history,
        caps: { ...weekly, contactMaxSurveys: 3 },
        now,
      }).allowed,
    ).toBe(true);
  });

  it('keeps a minimum gap between two surveys of an account, whichever contact', () => {
    const history = [sent('luc', '2026-06-10T00:00:00Z')];
    const gap = caps({ contactMinDays: 0, accountMinDays: 14 });
    const input = { contactKey: 'claire', accountKey: 'acme.example', history, now };
    expect(decideSurveyPressure({ ...input, caps: gap })).toEqual({
      allowed: false,
      reasons: [
        {
          code: 'account_recently_surveyed',
          message:
            'this account was surveyed on 2026-06-10; at most one survey of an account every 14 days',
        },
      ],
      allowedFrom: '2026-06-24T00:00:00.000Z',
    });
    expect(decideSurveyPressure({ ...input, accountKey: 'other.example', caps: gap }).allowed).toBe(
      true,
    );
    expect(decideSurveyPressure({ ...input, caps: { ...gap, accountMinDays: 5 } }).allowed).toBe(
      true,
    );
  });

  it('blocks quiet periods, including those that wrap the year end', () => {
    const holidays = caps({
      quietPeriods: [{ from: '12-20', to: '01-05', label: 'year-end holidays' }],
    });
    expect(
      decideSurveyPressure({
        contactKey: 'c',
        history: [],
        caps: holidays,
        now: '2026-12-24T10:00:00Z',
      }),
    ).toEqual({
      allowed: false,
      reasons: [
        { code: 'quiet_period', message: 'no surveys from 12-20 to 01-05 (year-end holidays)' },
      ],
      allowedFrom: '2027-01-06T00:00:00.000Z',
    });
    expect(
      decideSurveyPressure({
        contactKey: 'c',
        history: [],
        caps: holidays,
        now: '2027-01-05T23:00:00Z',
      }).allowed,
    ).toBe(false);
    expect(decideSurveyPressure({ contactKey: 'c', history: [], caps: holidays, now })).toEqual({
      allowed: true,
    });
    const august = caps({ quietPeriods: [{ from: '08-01', to: '08-31' }] });
    expect(
      decideSurveyPressure({
        contactKey: 'c',
        history: [],
        caps: august,
        now: '2026-08-10T00:00:00Z',
      }),
    ).toMatchObject({
      reasons: [{ message: 'no surveys from 08-01 to 08-31' }],
      allowedFrom: '2026-09-01T00:00:00.000Z',
    });
  });

  it('finds a date that satisfies every cap at once', () => {
    // The contact cap ends on 4 August, inside the August quiet period: allowed on 1 September.
    const settings = caps({ quietPeriods: [{ from: '08-01', to: '08-31' }] });
    const decision = decideSurveyPressure({
      contactKey: 'claire',
      history: [sent('claire', '2026-05-06T00:00:00Z')],
      caps: settings,
      now,
    });
    expect(decision).toMatchObject({ allowed: false, allowedFrom: '2026-09-01T00:00:00.000Z' });
  });

  it('reports a quiet period covering the whole year without looping forever', () => {
    const always = caps({ quietPeriods: [{ from: '01-01', to: '12-31' }] });
    const decision = decideSurveyPressure({ contactKey: 'c', history: [], caps: always, now });
    expect(decision.allowed).toBe(false);
  });

  it('rejects a history entry without a valid date', () => {
    expect(() =>
      decideSurveyPressure({ contactKey: 'c', history: [sent('c', 'soon')], caps: caps(), now }),
    ).toThrow(/^sentAt must be an ISO 8601 date/);
  });
});
