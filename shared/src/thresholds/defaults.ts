import type { ThresholdRule } from '../schemas/threshold.ts';

/**
 * The rules Boucle ships (also the `Alert_Threshold__mdt` records of the Salesforce package):
 * detractors (NPS 0–6) get a recovery callback by the account owner within 24 h, escalated to the
 * owner's manager after 48 h; promoters (9–10) a thank-you call within 72 h; a confident employee
 * facing an unhappy or resigned customer (NPS 0–8) a review by the owner's manager within 48 h.
 */
export const DEFAULT_THRESHOLD_RULES: readonly ThresholdRule[] = [
  {
    id: 'detractor',
    label: 'Detractor callback',
    metric: 'nps',
    minScore: 0,
    maxScore: 6,
    kind: 'detractor_recovery',
    slaHours: 24,
    escalateAfterHours: 48,
    assignTo: 'account_owner',
    active: true,
  },
  {
    id: 'promoter',
    label: 'Promoter thanks',
    metric: 'nps',
    minScore: 9,
    maxScore: 10,
    kind: 'promoter_thanks',
    slaHours: 72,
    assignTo: 'account_owner',
    active: true,
  },
  {
    id: 'dissonance',
    label: 'Employee/customer dissonance review',
    metric: 'nps',
    minScore: 0,
    maxScore: 8,
    kind: 'dissonance',
    slaHours: 48,
    assignTo: 'owners_manager',
    active: true,
  },
];
