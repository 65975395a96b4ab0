import { z } from 'zod';
import { SCORE_RANGES } from '../nps/metrics.ts';
import { ALERT_KINDS, ASSIGNEE_RULES } from '../thresholds/kinds.ts';
import { idSchema, labelSchema } from './common.ts';
import { metricSchema } from './answer.ts';

const hoursSchema = z
  .number({ error: 'must be a number of hours' })
  .positive({ error: 'must be more than 0 hours' })
  .max(8760, { error: 'must be at most 8,760 hours (a year)' });

/**
 * An alert threshold (Salesforce `Alert_Threshold__mdt`, HubSpot settings page): answers of
 * `metric` scored within [minScore, maxScore], at `touchpoint` (absent = every touchpoint), raise a
 * `kind` alert due `slaHours` later, assigned by `assignTo`.
 */
export const thresholdRuleSchema = z
  .strictObject({
    id: idSchema,
    label: labelSchema.optional(),
    metric: metricSchema.default('nps'),
    minScore: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }),
    maxScore: z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }),
    touchpoint: labelSchema.optional(),
    kind: z.enum(ALERT_KINDS, { error: `must be one of ${ALERT_KINDS.join(', ')}` }),
    slaHours: hoursSchema,
    escalateAfterHours: hoursSchema.optional(),
    assignTo: z.enum(ASSIGNEE_RULES, { error: `must be one of ${ASSIGNEE_RULES.join(', ')}` }),
    queue: labelSchema.optional(),
    active: z.boolean({ error: 'must be true or false' }).default(true),
  })
  .superRefine((rule, ctx) => {
    const range = SCORE_RANGES[rule.metric];
    for (const field of ['minScore', 'maxScore'] as const) {
      if (rule[field] < range.min || rule[field] > range.max) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `must be from ${range.min} to ${range.max} for metric ${rule.metric}`,
        });
      }
    }
    if (rule.minScore > rule.maxScore) {
      ctx.addIssue({ code: 'custom', path: ['maxScore'], message: 'must be ≥ minScore' });
    }
    if (rule.assignTo === 'queue' && !rule.queue) {
      ctx.addIssue({
        code: 'custom',
        path: ['queue'],
        message: 'is required when assignTo is queue',
      });
    }
    if (rule.escalateAfterHours !== undefined && rule.escalateAfterHours < rule.slaHours) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalateAfterHours'],
        message: 'must be ≥ slaHours: a callback escalates only once it is late',
      });
    }
  });

/** A validated threshold rule. */
export type ThresholdRule = z.output<typeof thresholdRuleSchema>;
/** A threshold rule as an admin may write it. */
export type ThresholdRuleInput = z.input<typeof thresholdRuleSchema>;

/** A set of rules with unique ids. */
export const thresholdRulesSchema = z
  .array(thresholdRuleSchema)
  .max(200, { error: 'must hold at most 200 rules' })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicates rule id "${rule.id}"`,
        });
      }
      seen.add(rule.id);
    });
  });
