import { classifyScore, roundOneDecimal } from '@boucle/shared';
import {
  ratingSchema,
  touchpointSchema,
  thresholdRuleSchema,
  type Answer,
  type Rating,
  type ThresholdRule,
} from '@boucle/shared/schemas';
import {
  adoptJourney,
  touchpointMatcher,
  type DissonanceKind,
  type Touchpoint,
} from '@boucle/shared';
import type { Sentiment } from '@boucle/shared/themes';
import type {
  AnswerWrite,
  CallbackWrite,
  CrmCallbackState,
  RatingWrite,
  NormWrite,
  RollupWrite,
} from '../adapter.ts';
import type { StoredCallback } from '../../store/store.ts';
import { CATEGORY_VALUES, notesFor, themesField } from '../fields.ts';
import { crmKey } from '../keys.ts';

/** Picklist values of the package (the metadata in salesforce/force-app). */
export const METRIC_VALUES = { nps: 'NPS', csat: 'CSAT', ces: 'CES' } as const;
export const KIND_VALUES = {
  detractor_recovery: 'Detractor recovery',
  promoter_thanks: 'Promoter thanks',
  dissonance: 'Dissonance',
  account_alert: 'Account alert',
} as const;
export const STATUS_VALUES = {
  open: 'Open',
  attempted: 'Attempted',
  reached: 'Reached',
  resolved: 'Resolved',
  escalated: 'Escalated',
  closed_no_contact: 'Closed no contact',
} as const;
const STATUS_BY_VALUE = new Map<string, StoredCallback['status']>(
  Object.entries(STATUS_VALUES).map(([status, value]) => [
    value,
    status as StoredCallback['status'],
  ]),
);

/** A `Callback__c` as read back, as the sync sees it; undefined for an unknown status value. */
export function callbackState(record: {
  Status__c?: string | null;
  Reached_At__c?: string | null;
  Outcome__c?: string | null;
  Root_Cause__c?: string | null;
  Notes__c?: string | null;
  Follow_Up_Action__c?: string | null;
}): CrmCallbackState | undefined {
  const status = record.Status__c ? STATUS_BY_VALUE.get(record.Status__c) : undefined;
  if (!status) return undefined;
  const instant = record.Reached_At__c ? new Date(record.Reached_At__c) : undefined;
  const reachedAt = instant && !Number.isNaN(instant.getTime()) ? instant.toISOString() : undefined;
  return {
    status,
    ...(reachedAt && { reachedAt }),
    ...(record.Outcome__c && { outcome: record.Outcome__c }),
    ...(record.Root_Cause__c && { rootCause: record.Root_Cause__c }),
    ...(record.Notes__c && { notes: record.Notes__c }),
    ...(record.Follow_Up_Action__c && { followUpAction: record.Follow_Up_Action__c }),
  };
}

export const DISSONANCE_VALUES: Record<DissonanceKind, string> = {
  dissonance: 'Dissonance',
  fatalist: 'Fatalist',
  improvement: 'Improvement',
  aligned: 'Aligned',
};
const ASSIGN_VALUES: Record<string, ThresholdRule['assignTo']> = {
  'Account owner': 'account_owner',
  "Owner's manager": 'owners_manager',
  Queue: 'queue',
};

export const SENTIMENT_VALUES: Record<Sentiment, string> = {
  positive: 'Positive',
  neutral: 'Neutral',
  negative: 'Negative',
};

type SObject = Record<string, unknown> & { attributes: { type: string } };

/**
 * Text cut to a field's length, with an ellipsis marking the cut so nobody mistakes it for the whole
 * text (Boucle's store keeps the full text).
 */
export function truncateToField(text: string | undefined, length: number): string | undefined {
  if (text === undefined) return undefined;
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

const defined = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as SObject;

/** A `Survey_Response__c` upserted by `External_Id__c`. */
export function surveyResponseRecord({
  ref,
  answer,
  resolution,
  category,
  analysis,
}: AnswerWrite): SObject {
  return defined({
    attributes: { type: 'Survey_Response__c' },
    External_Id__c: crmKey(ref),
    Account__c: resolution.accountId,
    Contact__c: resolution.contactId,
    Metric__c: METRIC_VALUES[answer.metric],
    Score__c: answer.score,
    NPS__c: answer.metric === 'nps' ? answer.score : undefined,
    Category__c: CATEGORY_VALUES[category],
    Comment__c: truncateToField(answer.comment, 32000),
    Touchpoint__c: truncateToField(answer.touchpoint, 80),
    Answered_At__c: answer.answeredAt,
    Source__c: answer.source,
    Interaction_Id__c: answer.interactionId,
    Language__c: truncateToField(answer.language, 35),
    Themes__c: themesField(analysis),
    Sentiment__c: analysis && SENTIMENT_VALUES[analysis.sentiment],
  });
}

/**
 * A `Response_Rating__c` upserted by `External_Id__c`. Ratings are private (sharing model): the
 * employee owns theirs, so they and their managers (role hierarchy) see it, colleagues do not.
 */
export function responseRatingRecord({
  ref,
  rating,
  answerCrmId,
  employeeId,
  dissonance,
}: RatingWrite): SObject {
  // A rating an employee entered in the org (read back, source `salesforce`) keeps its score and
  // comment as they stand there: the write completes the record with the computed fields and
  // never overwrites an edit that landed after the read.
  const enteredInOrg = rating.source === 'salesforce';
  return defined({
    attributes: { type: 'Response_Rating__c' },
    External_Id__c: crmKey(ref),
    Employee__c: employeeId,
    OwnerId: employeeId,
    Rating__c: enteredInOrg ? undefined : rating.rating,
    Interaction_Id__c: rating.interactionId,
    Survey_Response__c: answerCrmId,
    Comment__c: enteredInOrg ? undefined : truncateToField(rating.comment, 32000),
    Dissonance__c: dissonance ? DISSONANCE_VALUES[dissonance] : undefined,
  });
}

/** What the read-back of ratings entered in the org selects of `Response_Rating__c`. */
export const RATING_READ_BACK_FIELDS =
  'Id, External_Id__c, Interaction_Id__c, Employee__c, Rating__c, Comment__c, CreatedDate, SystemModstamp';

/** A Salesforce date-time (`2026-12-01T21:30:00.000+0000`) as an ISO instant, or undefined. */
export function salesforceInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/**
 * A `Response_Rating__c` an employee entered in the org (npsResponseRating) as a Boucle rating.
 * Its key `salesforce:<interaction id>:<user id>` (set by the component, checked by the
 * Rated_By_Running_User rule) is its ref, so the writer's upsert by `External_Id__c` completes
 * this very record. `ratedAt` is the creation time: Boucle's own write changes the modification
 * time, which must not make the record read as changed. Records Boucle wrote from the API (other
 * keys) and records without a key are not ratings entered in the org: `skip`.
 */
export function ratingFromRecord(
  record: Record<string, unknown>,
  employeeEmail: string | undefined,
): { rating: Rating } | { skip: true } | { error: string } {
  const key = record.External_Id__c;
  if (typeof key !== 'string' || !key.startsWith('salesforce:')) return { skip: true };
  const where = `Response_Rating__c ${String(record.Id)}`;
  if (!employeeEmail)
    return {
      error: `${where}: Employee__c ${String(record.Employee__c)} is not a user with an e-mail`,
    };
  const parsed = ratingSchema.safeParse({
    id: key.slice('salesforce:'.length),
    source: 'salesforce',
    interactionId: record.Interaction_Id__c,
    employeeEmail,
    rating: record.Rating__c,
    ...(typeof record.Comment__c === 'string' && record.Comment__c.trim()
      ? { comment: record.Comment__c }
      : {}),
    ratedAt: salesforceInstant(record.CreatedDate),
  });
  if (!parsed.success)
    return {
      error: `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`).join('; ')}`,
    };
  return { rating: parsed.data };
}

/**
 * A `Callback__c` upserted by `External_Id__c` (its Salesforce side's key: the callback's id),
 * assigned to its Salesforce assignee; settled elsewhere, its notes say where and by whom.
 */
export function callbackRecord({
  callback,
  link,
  answerCrmId,
  resolution,
}: CallbackWrite): SObject {
  const assignee = link.assignee && /^005/.test(link.assignee) ? link.assignee : undefined;
  const queue = link.assignee && /^00G/.test(link.assignee) ? link.assignee : undefined;
  return defined({
    attributes: { type: 'Callback__c' },
    External_Id__c: crmKey(link.key),
    Survey_Response__c: answerCrmId,
    Account__c: resolution.accountId,
    Contact__c: resolution.contactId,
    Assignee__c: assignee,
    OwnerId: queue ?? assignee,
    Kind__c: KIND_VALUES[callback.kind],
    Status__c: STATUS_VALUES[callback.status],
    Due_At__c: link.dueAt ?? callback.dueAt,
    SLA_Hours__c: callback.slaHours,
    Reached_At__c: callback.reachedAt,
    Outcome__c: truncateToField(callback.outcome, 255),
    Root_Cause__c: truncateToField(callback.rootCause, 255),
    Notes__c: truncateToField(notesFor(callback, 'salesforce'), 32000),
    Follow_Up_Action__c: truncateToField(callback.followUpAction, 255),
  });
}

/** The Account rollup fields of one account. */
export function accountRollupRecord({
  accountId,
  summary,
  lastScore,
  openCallbacks,
  now,
}: RollupWrite): SObject & { id: string } {
  const nps = summary.overall.nps === null ? null : roundOneDecimal(summary.overall.nps);
  return {
    attributes: { type: 'Account' },
    id: accountId,
    NPS_Score__c: nps,
    NPS_Responses__c: summary.overall.n,
    NPS_Margin__c: roundOneDecimal(summary.overall.margin),
    NPS_Updated_At__c: now,
    Last_Survey_Score__c: lastScore ?? null,
    Open_Callbacks__c: openCallbacks,
    // CSAT and CES over the same window: null (cleared) while the account has no such answer.
    CSAT_Score__c: roundOneDecimal(summary.overall.csat?.csat ?? null),
    CSAT_Responses__c: summary.overall.csat?.n ?? 0,
    CES_Score__c: roundOneDecimal(summary.overall.ces?.ces ?? null),
    CES_Responses__c: summary.overall.ces?.n ?? 0,
  };
}

/** `Scope__c` picklist values by scope. */
const NORM_SCOPE_VALUES: Readonly<Record<NormWrite['scope'], string>> = { org: 'Org' };

/** The `NPS_Norm__c` record of a norm, upserted by its External_Id__c. */
export function npsNormRecord(norm: NormWrite): SObject {
  return {
    attributes: { type: 'NPS_Norm__c' },
    Name: norm.scope === 'org' ? 'Org-wide NPS' : `${norm.scope}: ${norm.key ?? ''}`.slice(0, 80),
    External_Id__c: norm.id,
    Scope__c: NORM_SCOPE_VALUES[norm.scope],
    Key__c: norm.key ?? null,
    NPS__c: norm.nps === null ? null : roundOneDecimal(norm.nps),
    Margin__c: norm.margin === null ? null : roundOneDecimal(norm.margin),
    Responses__c: norm.responses,
    Window_Days__c: norm.windowDays,
    Updated_At__c: norm.now,
  };
}

/**
 * A threshold rule from an `Alert_Threshold__mdt` record; `undefined` (with the reason) when an
 * admin left it incomplete, so that one bad record does not stop the others.
 */
export function thresholdFromMetadata(
  record: Record<string, unknown>,
): { rule: ThresholdRule } | { error: string } {
  const metric = Object.entries(METRIC_VALUES).find(([, label]) => label === record.Metric__c)?.[0];
  const kind = Object.entries(KIND_VALUES).find(([, label]) => label === record.Alert_Kind__c)?.[0];
  const parsed = thresholdRuleSchema.safeParse({
    id: String(record.DeveloperName ?? ''),
    label: record.MasterLabel ?? undefined,
    metric: metric ?? String(record.Metric__c),
    minScore: record.Min_Score__c,
    maxScore: record.Max_Score__c,
    ...(record.Touchpoint__c ? { touchpoint: record.Touchpoint__c } : {}),
    kind: kind ?? String(record.Alert_Kind__c),
    slaHours: record.Callback_SLA_Hours__c,
    ...(record.Escalate_After_Hours__c !== null &&
      record.Escalate_After_Hours__c !== undefined && {
        escalateAfterHours: record.Escalate_After_Hours__c,
      }),
    assignTo: ASSIGN_VALUES[String(record.Assign_To__c)] ?? String(record.Assign_To__c),
    ...(record.Queue__c ? { queue: record.Queue__c } : {}),
    active: record.Active__c !== false,
  });
  if (parsed.success) return { rule: parsed.data };
  return {
    error: `Alert_Threshold__mdt ${String(record.DeveloperName)}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
  };
}

/** The `Touchpoint__mdt` field of each touchpoint field, to name it in problems. */
export const TOUCHPOINT_FIELDS: Readonly<Record<keyof Touchpoint, string>> = {
  key: 'Key__c',
  labelEn: 'Label_En__c',
  labelFr: 'Label_Fr__c',
  journey: 'Journey__c',
  order: 'Order__c',
  targetNps: 'Target_NPS__c',
  targetCsat: 'Target_CSAT__c',
  targetCes: 'Target_CES__c',
};

/** The SOQL that reads the journey. */
export const TOUCHPOINT_SOQL = `SELECT DeveloperName, ${Object.values(TOUCHPOINT_FIELDS).join(', ')} FROM Touchpoint__mdt`;

const present = (value: unknown) => value !== null && value !== undefined && value !== '';

/**
 * The journey from the `Touchpoint__mdt` records. A configuration with any problem (a record with
 * a field missing or out of range, a key or label two records share, orders with gaps) is refused
 * as a whole and `current`, the last valid one, stays in force; each problem names the record and
 * the field, e.g. `Touchpoint__mdt After_Sale: Order__c must be…`.
 * @param records the records as SOQL returns them
 * @param current the journey in force
 */
export function journeyFromMetadata(
  records: readonly Record<string, unknown>[],
  current: readonly Touchpoint[],
): { touchpoints: readonly Touchpoint[]; problems: string[] } {
  const problems: string[] = [];
  const parsed: Touchpoint[] = [];
  const names: string[] = [];
  for (const record of records) {
    const name = `Touchpoint__mdt ${String(record.DeveloperName)}`;
    const result = touchpointSchema.safeParse(
      Object.fromEntries(
        Object.entries(TOUCHPOINT_FIELDS)
          .filter(([, field]) => present(record[field]))
          .map(([key, field]) => [key, record[field]]),
      ),
    );
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = TOUCHPOINT_FIELDS[issue.path[0] as keyof Touchpoint];
        problems.push(
          `${name}: ${field} ${present(record[field]) ? issue.message : 'is required'}`,
        );
      }
      continue;
    }
    parsed.push(result.data);
    names.push(name);
  }
  if (records.length === 0)
    problems.push('no Touchpoint__mdt record: add the journey in Setup → Custom Metadata Types');
  if (problems.length > 0) return { touchpoints: current, problems };
  const adopted = adoptJourney(current, parsed);
  return {
    touchpoints: adopted.touchpoints,
    problems: adopted.problems.map(
      (problem) =>
        `${names[problem.index]}: ${TOUCHPOINT_FIELDS[problem.field]} ${problem.message}`,
    ),
  };
}

/**
 * Threshold rules whose `Touchpoint__c` names no touchpoint of the journey: such a rule never
 * fires for a configured touchpoint, which is almost always a typo.
 * @param rules the rules in force
 * @param touchpoints the journey in force
 */
export function rulesOutsideJourney(
  rules: readonly ThresholdRule[],
  touchpoints: readonly Touchpoint[],
): string[] {
  const match = touchpointMatcher(touchpoints);
  return rules
    .filter((rule) => rule.touchpoint && !match(rule.touchpoint))
    .map(
      (rule) =>
        `Alert_Threshold__mdt ${rule.id}: Touchpoint__c "${String(rule.touchpoint)}" is not the key or a label of a Touchpoint__mdt record`,
    );
}

/** The category of an answer's score. */
export const categoryOf = (answer: Answer) => classifyScore(answer.metric, answer.score);
export type { Rating };

/**
 * Every object and field the server writes in Salesforce (the mappers above): the package must
 * declare them (checked by a test against salesforce/force-app) and a connected org must have them
 * (checked by `boucle doctor`).
 */
export const SALESFORCE_FIELDS_WRITTEN: Readonly<Record<string, readonly string[]>> = {
  Survey_Response__c: [
    'External_Id__c',
    'Account__c',
    'Contact__c',
    'Metric__c',
    'Score__c',
    'NPS__c',
    'Category__c',
    'Comment__c',
    'Touchpoint__c',
    'Answered_At__c',
    'Source__c',
    'Interaction_Id__c',
    'Language__c',
    'Themes__c',
    'Sentiment__c',
  ],
  Response_Rating__c: [
    'External_Id__c',
    'Employee__c',
    'OwnerId',
    'Rating__c',
    'Interaction_Id__c',
    'Survey_Response__c',
    'Comment__c',
    'Dissonance__c',
  ],
  Callback__c: [
    'External_Id__c',
    'Survey_Response__c',
    'Account__c',
    'Contact__c',
    'Assignee__c',
    'OwnerId',
    'Kind__c',
    'Status__c',
    'Due_At__c',
    'SLA_Hours__c',
    'Reached_At__c',
    'Outcome__c',
    'Root_Cause__c',
    'Notes__c',
    'Follow_Up_Action__c',
  ],
  NPS_Norm__c: [
    'Name',
    'External_Id__c',
    'Scope__c',
    'Key__c',
    'NPS__c',
    'Margin__c',
    'Responses__c',
    'Window_Days__c',
    'Updated_At__c',
  ],
  Account: [
    'NPS_Score__c',
    'NPS_Responses__c',
    'NPS_Margin__c',
    'NPS_Updated_At__c',
    'Last_Survey_Score__c',
    'Open_Callbacks__c',
    'CSAT_Score__c',
    'CSAT_Responses__c',
    'CES_Score__c',
    'CES_Responses__c',
  ],
};
