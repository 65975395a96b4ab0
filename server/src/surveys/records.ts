import type { PressureReason } from '@boucle/shared';
import type { Kysely } from 'kysely';
import type { Dialect } from '../store/dialect.ts';
import type { Schema } from '../store/schema.ts';

/**
 * Where a survey request stands: `scheduled` (a follow-up not due yet, or held by the caps),
 * `requested` (allowed and announced), `refused` (beyond the caps when asked), `answered` (the
 * contact answered after it was requested).
 */
export const SURVEY_REQUEST_STATUSES = ['scheduled', 'requested', 'refused', 'answered'] as const;
export type SurveyRequestStatus = (typeof SURVEY_REQUEST_STATUSES)[number];

/** Who asked: an automation through the API, or Boucle after a detractor callback was resolved. */
export const SURVEY_REQUEST_ORIGINS = ['api', 'follow-up'] as const;
export type SurveyRequestOrigin = (typeof SURVEY_REQUEST_ORIGINS)[number];

/** What became of a detractor after a follow-up: the category they answered in then. */
export interface Recovery {
  readonly from: string;
  readonly to: string;
  readonly score: number;
  /** A detractor who now answers as a passive or a promoter. */
  readonly recovered: boolean;
}

/** A survey request as the API shows it. */
export interface SurveyRequest {
  readonly id: string;
  readonly email: string;
  readonly accountKey?: string;
  readonly touchpoint?: string;
  readonly reason?: string;
  readonly origin: SurveyRequestOrigin;
  readonly status: SurveyRequestStatus;
  /** When it may be sent: now for a request, the end of the delay for a follow-up. */
  readonly dueAt: string;
  readonly requestedAt?: string;
  /** Why the caps held it back, and from when they allow it. */
  readonly refusal?: readonly PressureReason[];
  readonly nextAllowedAt?: string;
  /** The callback a follow-up comes after, and the owner who handled it. */
  readonly callbackId?: string;
  readonly owner?: string;
  /** The category of the answer that raised the callback. */
  readonly fromCategory?: string;
  /** The answer that followed the request (`source:id`), and for a follow-up the recovery. */
  readonly answerRef?: string;
  readonly recovery?: Recovery;
  /** The `survey.requested` delivery (`GET` its state with the outbound module). */
  readonly deliveryId?: string;
  readonly createdAt: string;
}

type Own = {
  survey_requests: {
    id: string;
    request_key: string | null;
    email: string;
    account_key: string | null;
    touchpoint: string | null;
    reason: string | null;
    origin: string;
    status: string;
    due_at: string;
    requested_at: string | null;
    refusal: string | null;
    next_allowed_at: string | null;
    callback_id: string | null;
    answer_ref: string | null;
    delivery_id: string | null;
    body: string;
    created_at: number;
    updated_at: number;
  };
  answer_pressure: {
    answer_ref: string;
    verdict: string;
    reasons: string;
    request_id: string | null;
    decided_at: number;
  };
};

type Tables = Schema & Own;
type RequestRow = Own['survey_requests'];

const db = (d: Dialect): Kysely<Tables> => d.db.withTables<Own>();

/** The columns of a request; the body keeps the whole of it. */
function rowOf(request: SurveyRequest, key: string | undefined, now: number): RequestRow {
  return {
    id: request.id,
    request_key: key ?? null,
    email: request.email,
    account_key: request.accountKey ?? null,
    touchpoint: request.touchpoint ?? null,
    reason: request.reason ?? null,
    origin: request.origin,
    status: request.status,
    due_at: request.dueAt,
    requested_at: request.requestedAt ?? null,
    refusal: request.refusal ? JSON.stringify(request.refusal) : null,
    next_allowed_at: request.nextAllowedAt ?? null,
    callback_id: request.callbackId ?? null,
    answer_ref: request.answerRef ?? null,
    delivery_id: request.deliveryId ?? null,
    body: JSON.stringify(request),
    created_at: now,
    updated_at: now,
  };
}

const toRequest = (row: { body: string }) => JSON.parse(row.body) as SurveyRequest;

/**
 * Stores a request unless one with the same idempotency key exists; returns the one stored under
 * the key and whether it was there already.
 */
export async function insertRequest(
  d: Dialect,
  request: SurveyRequest,
  key: string | undefined,
  now: number,
): Promise<{ request: SurveyRequest; duplicate: boolean }> {
  const inserted = await db(d)
    .insertInto('survey_requests')
    .values(rowOf(request, key, now))
    .onConflict((oc) => oc.column('request_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted || key === undefined) return { request, duplicate: false };
  const known = await db(d)
    .selectFrom('survey_requests')
    .select('body')
    .where('request_key', '=', key)
    .executeTakeFirstOrThrow();
  return { request: toRequest(known), duplicate: true };
}

/** Saves a request's new state (its id and key unchanged). */
export async function saveRequest(d: Dialect, request: SurveyRequest, now: number): Promise<void> {
  const { id: _id, request_key: _key, created_at: _created, ...columns } = rowOf(request, '', now);
  await db(d).updateTable('survey_requests').set(columns).where('id', '=', request.id).execute();
}

export async function getRequest(d: Dialect, id: string): Promise<SurveyRequest | undefined> {
  const row = await db(d)
    .selectFrom('survey_requests')
    .select('body')
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRequest(row);
}

/** A page of requests, newest first, after `cursor` (the last one of the page before). */
export async function listRequests(
  d: Dialect,
  filter: {
    status?: SurveyRequestStatus;
    origin?: SurveyRequestOrigin;
    email?: string;
    cursor?: { createdAt: number; id: string };
    limit: number;
  },
): Promise<{ requests: SurveyRequest[]; next?: { createdAt: number; id: string } }> {
  let query = db(d).selectFrom('survey_requests').select(['body', 'created_at', 'id']);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.origin) query = query.where('origin', '=', filter.origin);
  if (filter.email) query = query.where('email', '=', filter.email);
  const cursor = filter.cursor;
  if (cursor)
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
      ]),
    );
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    requests: page.map(toRequest),
    ...(rows.length > filter.limit &&
      last && { next: { createdAt: Number(last.created_at), id: last.id } }),
  };
}

/** Scheduled requests due by `nowIso`, oldest first. */
export async function dueRequests(
  d: Dialect,
  nowIso: string,
  limit: number,
): Promise<SurveyRequest[]> {
  const rows = await db(d)
    .selectFrom('survey_requests')
    .select('body')
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', nowIso)
    .orderBy('due_at')
    .limit(limit)
    .execute();
  return rows.map(toRequest);
}

/** A survey Boucle knows was sent: an answer received, or a request announced. */
export interface SentSurvey {
  /** `a:source:id` or `r:id`: one event however many queries find it. */
  readonly ref: string;
  readonly email: string | null;
  readonly accountKey?: string;
  readonly at: string;
  readonly kind: 'answer' | 'request';
}

/**
 * The surveys sent to a contact and to an account between two instants (`until` excluded), each
 * once: answers by e-mail and by account key, and requests announced (`requested`) by e-mail and
 * by account key. Four indexed range reads.
 */
export async function sentSurveys(
  d: Dialect,
  who: { email?: string; accountKey?: string },
  sinceIso: string,
  untilIso: string,
): Promise<SentSurvey[]> {
  const found = new Map<string, SentSurvey>();
  const add = (survey: SentSurvey) => {
    const known = found.get(survey.ref);
    found.set(survey.ref, known?.accountKey ? known : { ...(known ?? {}), ...survey });
  };
  const k = db(d);
  if (who.email) {
    for (const row of await k
      .selectFrom('answers')
      .select(['source', 'id', 'answered_at'])
      .where('email', '=', who.email)
      .where('answered_at', '>=', sinceIso)
      .where('answered_at', '<', untilIso)
      .execute())
      add({
        ref: `a:${row.source}:${row.id}`,
        email: who.email,
        at: row.answered_at,
        kind: 'answer',
      });
    for (const row of await k
      .selectFrom('survey_requests')
      .select(['id', 'requested_at'])
      .where('email', '=', who.email)
      .where('status', '=', 'requested')
      .where('requested_at', '>=', sinceIso)
      .where('requested_at', '<', untilIso)
      .execute())
      add({ ref: `r:${row.id}`, email: who.email, at: String(row.requested_at), kind: 'request' });
  }
  if (who.accountKey) {
    const accountKey = who.accountKey;
    for (const row of await k
      .selectFrom('answer_accounts as l')
      .innerJoin('answers as a', (join) =>
        join.onRef('a.source', '=', 'l.source').onRef('a.id', '=', 'l.id'),
      )
      .select(['l.source', 'l.id', 'l.answered_at', 'a.email'])
      .where('l.account_key', '=', accountKey)
      .where('l.answered_at', '>=', sinceIso)
      .where('l.answered_at', '<', untilIso)
      .execute())
      add({
        ref: `a:${row.source}:${row.id}`,
        email: row.email,
        accountKey,
        at: row.answered_at,
        kind: 'answer',
      });
    for (const row of await k
      .selectFrom('survey_requests')
      .select(['id', 'email', 'requested_at'])
      .where('account_key', '=', accountKey)
      .where('status', '=', 'requested')
      .where('requested_at', '>=', sinceIso)
      .where('requested_at', '<', untilIso)
      .execute())
      add({
        ref: `r:${row.id}`,
        email: row.email,
        accountKey,
        at: String(row.requested_at),
        kind: 'request',
      });
  }
  return [...found.values()];
}

/** The latest request announced to this e-mail within `[sinceIso, untilIso]`: what an answer follows. */
export async function requestAnswered(
  d: Dialect,
  email: string,
  sinceIso: string,
  untilIso: string,
): Promise<SurveyRequest | undefined> {
  const row = await db(d)
    .selectFrom('survey_requests')
    .select('body')
    .where('email', '=', email)
    .where('status', '=', 'requested')
    .where('requested_at', '>=', sinceIso)
    .where('requested_at', '<=', untilIso)
    .orderBy('requested_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toRequest(row);
}

/** An answer's verdict under the caps, decided once. */
export interface AnswerVerdict {
  readonly flagged: boolean;
  readonly reasons: readonly PressureReason[];
  /** The request the answer followed, when it followed one. */
  readonly requestId?: string;
}

export async function getVerdict(d: Dialect, ref: string): Promise<AnswerVerdict | undefined> {
  const row = await db(d)
    .selectFrom('answer_pressure')
    .selectAll()
    .where('answer_ref', '=', ref)
    .executeTakeFirst();
  return (
    row && {
      flagged: row.verdict === 'flagged',
      reasons: JSON.parse(row.reasons) as PressureReason[],
      ...(row.request_id && { requestId: row.request_id }),
    }
  );
}

/** Stores a verdict unless one was stored first (the other CRM's sync); returns the one kept. */
export async function keepVerdict(
  d: Dialect,
  ref: string,
  verdict: AnswerVerdict,
  now: number,
): Promise<AnswerVerdict> {
  await db(d)
    .insertInto('answer_pressure')
    .values({
      answer_ref: ref,
      verdict: verdict.flagged ? 'flagged' : 'allowed',
      reasons: JSON.stringify(verdict.reasons),
      request_id: verdict.requestId ?? null,
      decided_at: now,
    })
    .onConflict((oc) => oc.column('answer_ref').doNothing())
    .execute();
  return (await getVerdict(d, ref)) ?? verdict;
}

/** The answers flagged beyond the caps (`source:id`), latest verdicts first, with why. */
export async function flaggedAnswers(
  d: Dialect,
  limit: number,
): Promise<{ ref: string; reasons: PressureReason[] }[]> {
  const rows = await db(d)
    .selectFrom('answer_pressure')
    .select(['answer_ref', 'reasons'])
    .where('verdict', '=', 'flagged')
    .orderBy('decided_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ref: row.answer_ref,
    reasons: JSON.parse(row.reasons) as PressureReason[],
  }));
}

/** How the follow-ups went: answered, and detractors recovered, in all and by owner. */
export async function recoveryCounts(d: Dialect): Promise<{
  scheduled: number;
  answered: number;
  recovered: number;
  byOwner: { owner: string; answered: number; recovered: number }[];
}> {
  const rows = await db(d)
    .selectFrom('survey_requests')
    .select(['status', 'body'])
    .where('origin', '=', 'follow-up')
    .execute();
  const owners = new Map<string, { answered: number; recovered: number }>();
  let answered = 0;
  let recovered = 0;
  for (const row of rows) {
    if (row.status !== 'answered') continue;
    const request = toRequest(row);
    const won = request.recovery?.recovered === true;
    answered++;
    if (won) recovered++;
    const owner = owners.get(request.owner ?? '') ?? { answered: 0, recovered: 0 };
    owner.answered++;
    if (won) owner.recovered++;
    owners.set(request.owner ?? '', owner);
  }
  return {
    scheduled: rows.length,
    answered,
    recovered,
    byOwner: [...owners].map(([owner, counts]) => ({ owner, ...counts })),
  };
}
