import { z } from 'zod';
import { isValidTimeZone } from '../time/zone.ts';
import { DAYS_OF_WEEK } from '../thresholds/businessHours.ts';
import { thresholdRulesSchema } from './threshold.ts';
import { touchpointsSchema } from './touchpoint.ts';
import { SCORE_RANGES } from '../nps/metrics.ts';
import { DEFAULT_TOUCHPOINTS, touchpointMatcher } from '../journey/touchpoints.ts';

const clockTime = (end: boolean) =>
  z
    .string({ error: 'must be a time HH:MM' })
    .regex(end ? /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/ : /^([01]\d|2[0-3]):[0-5]\d$/, {
      error: end
        ? 'must be a time HH:MM from 00:01 to 24:00'
        : 'must be a time HH:MM from 00:00 to 23:59',
    });

/** A calendar date `YYYY-MM-DD` that exists. */
export const calendarDateSchema = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
  .refine(
    (text) => {
      const [y, m, d] = text.split('-').map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    },
    { error: 'is not a date that exists' },
  );

/** An IANA time zone such as Europe/Paris. */
export const timeZoneSchema = z
  .string({ error: 'must be a time zone name' })
  .refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' });

/**
 * Working time in which SLA hours are counted: a 24 h SLA raised on a Friday evening falls due on
 * a working day, not on Saturday.
 */
export const businessHoursSchema = z
  .strictObject({
    timeZone: timeZoneSchema,
    days: z
      .array(z.enum(DAYS_OF_WEEK, { error: 'must be one of mon, tue, wed, thu, fri, sat, sun' }))
      .min(1, { error: 'must name at least one working day' })
      .refine((days) => new Set(days).size === days.length, { error: 'must not repeat a day' }),
    start: clockTime(false),
    end: clockTime(true),
    holidays: z
      .array(calendarDateSchema)
      .max(1000, { error: 'must hold at most 1,000 dates' })
      .default([]),
  })
  .refine((hours) => hours.start < hours.end, { path: ['end'], error: 'must be after start' });

/** Validated business hours. */
export type BusinessHoursSettings = z.output<typeof businessHoursSchema>;

const scoreBandSchema = z
  .strictObject({
    min: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }),
    max: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }),
  })
  .refine((band) => band.min <= band.max, { path: ['max'], error: 'must be ≥ min' });

const ratingScaleSchema = z
  .number({ error: 'must be an integer from 1 to 5' })
  .int({ error: 'must be an integer from 1 to 5' })
  .min(1, { error: 'must be an integer from 1 to 5' })
  .max(5, { error: 'must be an integer from 1 to 5' });

const moodBandsSchema = z.strictObject({ unhappy: scoreBandSchema, happy: scoreBandSchema });

/**
 * When an employee's rating and a customer's score disagree (domain §7). Scores within `unhappy`
 * or `happy` bands of their metric are unhappy or happy; the rest is the "fatalist" middle.
 */
export const dissonanceSettingsSchema = z
  .strictObject({
    confidentMin: ratingScaleSchema,
    doubtfulMax: ratingScaleSchema,
    bands: z.strictObject({ nps: moodBandsSchema, csat: moodBandsSchema, ces: moodBandsSchema }),
  })
  .superRefine((settings, ctx) => {
    if (settings.doubtfulMax >= settings.confidentMin)
      ctx.addIssue({
        code: 'custom',
        path: ['doubtfulMax'],
        message: 'must be below confidentMin: a rating cannot be both doubtful and confident',
      });
    for (const metric of ['nps', 'csat', 'ces'] as const) {
      const range = SCORE_RANGES[metric];
      const { unhappy, happy } = settings.bands[metric];
      for (const [mood, band] of [
        ['unhappy', unhappy],
        ['happy', happy],
      ] as const)
        for (const end of ['min', 'max'] as const)
          if (band[end] < range.min || band[end] > range.max)
            ctx.addIssue({
              code: 'custom',
              path: ['bands', metric, mood, end],
              message: `must be from ${range.min} to ${range.max} for metric ${metric}`,
            });
      if (unhappy.min <= happy.max && happy.min <= unhappy.max)
        ctx.addIssue({
          code: 'custom',
          path: ['bands', metric, 'happy', 'min'],
          message: 'the happy and unhappy bands must not overlap',
        });
    }
  });

/** Validated dissonance settings. */
export type DissonanceSettings = z.output<typeof dissonanceSettingsSchema>;

const days = (min: number) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number of days' })
    .min(min, { error: `must be ≥ ${min}` })
    .max(3650, { error: 'must be at most 3,650 days' });

const monthDay = z
  .string({ error: 'must be MM-DD' })
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'must be MM-DD' });

/** A period of the year without surveys, from one month-day to another, inclusive (may wrap). */
export const quietPeriodSchema = z.strictObject({
  from: monthDay,
  to: monthDay,
  label: z.string().max(80).optional(),
});

/** Caps on how often a contact and an account may be surveyed (domain §10). */
export const surveyPressureSchema = z.strictObject({
  contactMinDays: days(0).default(90),
  accountMaxSurveys: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be ≥ 1' })
    .optional(),
  accountWindowDays: days(1).default(30),
  quietPeriods: z.array(quietPeriodSchema).max(50).default([]),
});

/** Validated survey-pressure caps. */
export type SurveyPressureSettings = z.output<typeof surveyPressureSchema>;

const ownerIdSchema = z
  .string({ error: 'must be a HubSpot owner id' })
  .regex(/^\d{1,20}$/, { error: 'must be a HubSpot owner id (digits)' });

/**
 * Who late callbacks escalate to and who reviews dissonance in HubSpot, which has no manager
 * hierarchy: an escalation owner per HubSpot team (the account owner's or the rated employee's
 * team) and a default one for everyone else.
 */
export const escalationOwnersSchema = z
  .strictObject({
    defaultOwnerId: ownerIdSchema.optional(),
    teams: z
      .array(z.strictObject({ teamId: ownerIdSchema, ownerId: ownerIdSchema }))
      .max(500, { error: 'must hold at most 500 teams' })
      .default([]),
  })
  .superRefine((escalation, ctx) => {
    const seen = new Set<string>();
    escalation.teams.forEach((team, index) => {
      if (seen.has(team.teamId))
        ctx.addIssue({
          code: 'custom',
          path: ['teams', index, 'teamId'],
          message: `names team ${team.teamId} twice`,
        });
      seen.add(team.teamId);
    });
  });

/** Validated escalation owners. */
export type EscalationOwners = z.output<typeof escalationOwnersSchema>;

/**
 * The settings an admin edits on the HubSpot app's settings page: the alert thresholds, the
 * business hours SLAs count in (none: around the clock), the survey-pressure caps, the journey
 * (none: the shipped one), the dissonance bands and the escalation owners. A rule's touchpoint must name one of the journey's.
 */
export const serverSettingsSchema = z
  .strictObject({
    rules: thresholdRulesSchema,
    businessHours: businessHoursSchema.optional(),
    pressure: surveyPressureSchema.default({
      contactMinDays: 90,
      accountWindowDays: 30,
      quietPeriods: [],
    }),
    touchpoints: touchpointsSchema.optional(),
    /** When an employee's rating and the customer's score disagree; none: the shipped bands. */
    dissonance: dissonanceSettingsSchema.optional(),
    /** Who escalations and dissonance reviews go to in HubSpot; none: nobody but the default. */
    escalation: escalationOwnersSchema.optional(),
  })
  .superRefine((settings, ctx) => {
    const match = touchpointMatcher(settings.touchpoints ?? DEFAULT_TOUCHPOINTS);
    settings.rules.forEach((rule, index) => {
      if (rule.touchpoint && !match(rule.touchpoint))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'touchpoint'],
          message: `"${rule.touchpoint}" is not a key or label of a touchpoint of the journey`,
        });
    });
  });

/** Validated server settings. */
export type ServerSettings = z.output<typeof serverSettingsSchema>;
