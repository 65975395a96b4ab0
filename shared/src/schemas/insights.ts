import { z } from 'zod';

/** What `GET /v1/insights` can break the figures down by. */
export const INSIGHT_DIMENSIONS = ['owner', 'team', 'region', 'touchpoint'] as const;

/** A breakdown of the insights. */
export type InsightDimension = (typeof INSIGHT_DIMENSIONS)[number];

/** The longest window of the insights: two years of answers. */
export const MAX_INSIGHT_WINDOW_DAYS = 730;

/**
 * The query of `GET /v1/insights?by=owner|team|region|touchpoint&window=90d`: the breakdown, the
 * window in days (default 90d), the CRM whose callbacks are measured (each CRM holds its own copy
 * of a callback) and the minimum sample of a ranked group (default 30). Other parameters are
 * ignored, as caches and proxies add some.
 */
export const insightsQuerySchema = z.object({
  by: z.enum(INSIGHT_DIMENSIONS, {
    error: (issue) =>
      issue.input === undefined
        ? `is required: one of ${INSIGHT_DIMENSIONS.join(', ')}`
        : `must be one of ${INSIGHT_DIMENSIONS.join(', ')}, got "${String(issue.input)}"`,
  }),
  window: z
    .string({ error: 'must be a number of days such as 90d' })
    .default('90d')
    .transform((text, ctx) => {
      const match = /^(\d{1,4})d$/.exec(text);
      const days = match ? Number(match[1]) : Number.NaN;
      if (days >= 1 && days <= MAX_INSIGHT_WINDOW_DAYS) return days;
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `must be a number of days from 1d to ${MAX_INSIGHT_WINDOW_DAYS}d such as 90d, got "${text}"`,
      });
      return z.NEVER;
    }),
  crm: z.enum(['salesforce', 'hubspot'], { error: 'must be salesforce or hubspot' }).optional(),
  minSample: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int({ error: 'must be a whole number from 1 to 1000' })
    .min(1, { error: 'must be a whole number from 1 to 1000' })
    .max(1000, { error: 'must be a whole number from 1 to 1000' })
    .default(30),
});

/** A validated insights query: `window` in days. */
export type InsightsQuery = z.output<typeof insightsQuerySchema>;
