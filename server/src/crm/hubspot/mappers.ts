import type { AlertKind, CallbackInCrm } from '@boucle/shared';
import type { VerbatimAnalysis } from '@boucle/shared/themes';
import type { AnswerWrite, RatingWrite, Resolution, RollupWrite } from '../adapter.ts';
import type { CallbackLink, StoredCallback } from '../../store/store.ts';
import { loggedElsewhereNote } from '../fields.ts';
import { CATEGORY_VALUES, themesField } from '../fields.ts';

/**
 * Boucle's records as HubSpot property bags: pure functions of the domain objects, as the
 * Salesforce mappers are. Every value is a string (HubSpot's API takes property values as
 * strings); an absent value is left out, never sent empty, unless clearing is meant (`''`).
 */

/** `boucle_themes` is a multi-line text property: 65,536 characters. */
const THEMES_LENGTH = 65_536;

/** The entries whose value is set, as strings. */
export const defined = (values: Record<string, string | number | undefined | null>) =>
  Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );

/**
 * What the analysis adds to an answer's note on portals without custom objects, where no property
 * can hold it: the same themes and sentiment as `boucle_themes` and `boucle_sentiment`.
 */
export function analysisLine(analysis: VerbatimAnalysis | undefined): string {
  if (!analysis) return '';
  const themes = themesField(analysis, THEMES_LENGTH);
  return `${themes ? ` · Themes: ${themes.split(';').join(', ')}` : ''} · Sentiment: ${analysis.sentiment}`;
}

/** An answer as a `boucle_survey_response` custom object (Enterprise portals). */
export function surveyResponseProperties(item: AnswerWrite): Record<string, string> {
  return defined({
    boucle_metric: item.answer.metric,
    boucle_score: item.answer.score,
    boucle_category: CATEGORY_VALUES[item.category],
    boucle_comment: item.answer.comment,
    boucle_touchpoint: item.answer.touchpoint,
    boucle_answered_at: item.answer.answeredAt,
    boucle_source: item.answer.source,
    boucle_interaction_id: item.answer.interactionId,
    boucle_language: item.answer.language,
    boucle_themes: themesField(item.analysis, THEMES_LENGTH),
    boucle_sentiment: item.analysis?.sentiment,
  });
}

/** An answer as a note on the contact and company (portals without custom objects). */
export function answerNoteProperties(item: AnswerWrite): Record<string, string> {
  const { answer } = item;
  return {
    hs_timestamp: answer.answeredAt,
    hs_note_body: `Survey answer (${answer.metric.toUpperCase()} ${answer.score}, ${CATEGORY_VALUES[item.category]}${answer.touchpoint ? `, ${answer.touchpoint}` : ''})${answer.comment ? `: ${answer.comment}` : ''}${analysisLine(item.analysis)}`,
  };
}

/** An employee's rating as a note. */
export function ratingNoteProperties({ rating, dissonance }: RatingWrite): Record<string, string> {
  return {
    hs_timestamp: rating.ratedAt,
    hs_note_body: `Employee rating ${rating.rating}/5 by ${rating.employeeEmail} on interaction ${rating.interactionId}${dissonance ? ` (${dissonance})` : ''}${rating.comment ? `: ${rating.comment}` : ''}`,
  };
}

/** The subject of a callback's task, by kind (the respondent's e-mail follows it). */
export const TASK_SUBJECTS: Record<AlertKind, string> = {
  detractor_recovery: 'Call back detractor',
  promoter_thanks: 'Thank promoter',
  dissonance: 'Review dissonance',
  account_alert: 'Account alert',
};

/** A detractor's recovery and a dissonance review come first. */
export function taskPriority(kind: AlertKind): 'HIGH' | 'MEDIUM' {
  return kind === 'detractor_recovery' || kind === 'dissonance' ? 'HIGH' : 'MEDIUM';
}

/** `hs_task_status` of a callback's state: a closed loop completes the task. */
export function taskStatus(
  status: StoredCallback['status'],
): 'COMPLETED' | 'NOT_STARTED' | 'IN_PROGRESS' {
  if (status === 'resolved' || status === 'closed_no_contact') return 'COMPLETED';
  return status === 'open' ? 'NOT_STARTED' : 'IN_PROGRESS';
}

/**
 * The body Boucle writes on a callback's task: the reason it was raised, and once settled
 * elsewhere (Salesforce, the API), where and by whom (`loggedElsewhereNote`). The read-back takes
 * a body that differs from it as notes someone wrote in HubSpot.
 */
export function taskBody(callback: StoredCallback): string | undefined {
  const note = loggedElsewhereNote(callback, 'hubspot');
  if (!note) return callback.reason;
  return callback.reason ? `${callback.reason}\n${note}` : note;
}

/**
 * A callback as a task (type CALL) for its HubSpot assignee, with Boucle's own properties beside
 * HubSpot's.
 */
export function taskProperties(
  callback: StoredCallback,
  link?: CallbackLink,
): Record<string, string> {
  return defined({
    hs_timestamp: link?.dueAt ?? callback.dueAt,
    hs_task_subject: `${TASK_SUBJECTS[callback.kind]}${callback.respondentEmail ? ` (${callback.respondentEmail})` : ''}`,
    hs_task_body: taskBody(callback),
    hs_task_type: 'CALL',
    hs_task_priority: taskPriority(callback.kind),
    hs_task_status: taskStatus(callback.status),
    hubspot_owner_id: link?.assignee,
    boucle_callback_kind: callback.kind,
    boucle_callback_status: callback.status,
    boucle_outcome: callback.outcome,
    boucle_root_cause: callback.rootCause,
  });
}

/** A figure rounded to one decimal, or `''` to clear the property when there is none yet. */
const oneDecimal = (value: number | null) => (value === null ? '' : Math.round(value * 10) / 10);

/** A company's rollup properties. */
export function companyRollupProperties(item: RollupWrite): Record<string, string> {
  return defined({
    boucle_nps: oneDecimal(item.summary.overall.nps),
    boucle_nps_responses: item.summary.overall.n,
    boucle_nps_margin: oneDecimal(item.summary.overall.margin),
    boucle_last_score: item.lastScore,
    boucle_open_callbacks: item.openCallbacks,
    boucle_csat: oneDecimal(item.summary.overall.csat?.csat ?? null),
    boucle_csat_responses: item.summary.overall.csat?.n ?? 0,
    boucle_ces: oneDecimal(item.summary.overall.ces?.ces ?? null),
    boucle_ces_responses: item.summary.overall.ces?.n ?? 0,
  });
}

/** A respondent's contact properties: their latest NPS answer. */
export function contactRollupProperties(respondent: RollupWrite['respondents'][number]) {
  return {
    boucle_last_score: String(respondent.score),
    boucle_last_survey_at: respondent.answeredAt,
  };
}

/** The task properties the callback read-back asks for. */
export const TASK_READ_PROPERTIES = [
  'hs_task_status',
  'hs_timestamp',
  'hs_task_body',
  'hs_task_completion_date',
  'hs_lastmodifieddate',
  'hubspot_owner_id',
  'boucle_callback_status',
  'boucle_outcome',
  'boucle_root_cause',
];

/** A rich-text task body as plain text (HubSpot keeps task bodies as HTML). */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/**
 * A callback's state as its task stands in HubSpot, for the read-back: only a completed task
 * says something (HubSpot has no "reached" or "attempted"; a task moved to IN_PROGRESS or WAITING
 * by hand says nothing about the customer, and an escalated callback's task is IN_PROGRESS by
 * Boucle's own write). A completed task is the loop closed: `closed_no_contact` when Boucle wrote
 * that itself, else `resolved`, reached when HubSpot completed it (`hs_task_completion_date`, else
 * its last change, which is also when it was changed there). The body becomes the notes when
 * someone changed it from the body Boucle wrote; the outcome and root cause are Boucle's own
 * properties, when set; the task's owner is who logged it (`by`: HubSpot names no completing user).
 * @param properties the task's properties, as batch read returns them
 * @param reason the body Boucle wrote (the callback's reason)
 */
export function taskCallbackState(
  properties: Readonly<Record<string, string | null | undefined>>,
  reason: string | undefined,
): CallbackInCrm | undefined {
  if (properties.hs_task_status !== 'COMPLETED') return undefined;
  const reachedAt = properties.hs_task_completion_date || properties.hs_lastmodifieddate;
  const body = properties.hs_task_body ? plainText(properties.hs_task_body) : '';
  const outcome = properties.boucle_outcome?.trim();
  const rootCause = properties.boucle_root_cause?.trim();
  const owner = properties.hubspot_owner_id?.trim();
  return {
    status:
      properties.boucle_callback_status === 'closed_no_contact' ? 'closed_no_contact' : 'resolved',
    ...(reachedAt && {
      reachedAt: new Date(reachedAt).toISOString(),
      at: new Date(reachedAt).toISOString(),
    }),
    ...(owner && { by: owner }),
    ...(outcome && { outcome }),
    ...(rootCause && { rootCause }),
    ...(body && body !== (reason ?? '').trim() && { notes: body.slice(0, 32_000) }),
  };
}

/** HubSpot-defined association type ids (notes and tasks to contacts and companies). */
export const DEFAULT_TYPES = {
  noteToContact: 202,
  noteToCompany: 190,
  taskToContact: 204,
  taskToCompany: 192,
};

export const NOTE_TYPES = {
  toContact: DEFAULT_TYPES.noteToContact,
  toCompany: DEFAULT_TYPES.noteToCompany,
  category: 'HUBSPOT_DEFINED',
} as const;

/** The contact and company a record is associated with, as resolved. */
export const linksOf = (resolution: Resolution | undefined) => ({
  ...(resolution?.contactId && { contactId: resolution.contactId }),
  ...(resolution?.accountId && { companyId: resolution.accountId }),
});
