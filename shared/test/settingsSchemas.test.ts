import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  businessHoursSchema,
  calendarDateSchema,
  callbackOutcomeSchema,
  callbackSchema,
  dissonanceSettingsSchema,
  escalationOwnersSchema,
  insightsQuerySchema,
  serverSettingsSchema,
  surveyPressureSchema,
  thresholdRuleSchema,
  thresholdRulesSchema,
  toFieldIssues,
} from '../src/schemas/index.ts';
import { DEFAULT_DISSONANCE_SETTINGS, DEFAULT_THRESHOLD_RULES } from '../src/index.ts';
import { issuesOf } from './schemaFixtures.ts';

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
      { path: 'bands.nps.happy.min', message: 'must be from 0 to 10 for metric nps' },
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

describe('dissonance and escalation settings', () => {
  it('refuses a doubtful rating at or above the confident one, bands outside the scale, and overlapping bands', () => {
    const settings = structuredClone(DEFAULT_DISSONANCE_SETTINGS) as {
      doubtfulMax: number;
      bands: Record<string, { unhappy: { min: number; max: number }; happy: { min: number } }>;
    };
    settings.doubtfulMax = 4;
    settings.bands.csat!.unhappy = { min: 0, max: 2 };
    settings.bands.ces!.happy.min = 1;
    settings.bands.ces!.unhappy = { min: 2, max: 7 };
    expect(issuesOf(dissonanceSettingsSchema, settings)).toEqual([
      {
        path: 'doubtfulMax',
        message: 'must be below confidentMin: a rating cannot be both doubtful and confident',
      },
      { path: 'bands.csat.unhappy.min', message: 'must be from 1 to 5 for metric csat' },
      { path: 'bands.ces.happy.min', message: 'the happy and unhappy bands must not overlap' },
    ]);
  });

  it('accepts an escalation owner per team and a default, and refuses a team named twice', () => {
    expect(escalationOwnersSchema.parse({ defaultOwnerId: '77' })).toEqual({
      defaultOwnerId: '77',
      teams: [],
    });
    expect(
      issuesOf(escalationOwnersSchema, {
        teams: [
          { teamId: '9', ownerId: '77' },
          { teamId: '10', ownerId: 'marc' },
        ],
      }),
    ).toEqual([{ path: 'teams.1.ownerId', message: 'must be a HubSpot owner id (digits)' }]);
    expect(
      issuesOf(escalationOwnersSchema, {
        teams: [
          { teamId: '9', ownerId: '77' },
          { teamId: '9', ownerId: '78' },
        ],
      }),
    ).toEqual([{ path: 'teams.1.teamId', message: 'names team 9 twice' }]);
  });
});
