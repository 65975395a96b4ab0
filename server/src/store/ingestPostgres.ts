import type { Answer, Rating } from '@boucle/shared/schemas';
import { type Kysely, sql } from 'kysely';
import type { IngestRequest, IngestResult } from './answers.ts';
import { hashEmail, redact } from './privacy.ts';
import type { Schema } from './schema.ts';
import { accountKeysOf, type Crm, refOf } from './store.ts';

// PostgreSQL ingest: a group's answers (or ratings), their account links, sync states and jobs in
// one data-changing statement, with CTEs over `unnest` arrays (one parameter per column, whatever
// the group's size). One statement is atomic on its own: no BEGIN, no COMMIT, one round trip per
// group instead of seven. The erasure check runs inside it too, so a replay of a person erased on
// request is stored redacted as before.

type Db = Kysely<Schema>;

/** Each record once by (source, id), the first of the group winning, with its request's CRMs. */
function firstOfEach<T extends { source: string; id: string }>(
  requests: readonly IngestRequest<T>[],
) {
  const first = new Map<string, { record: T; crms: readonly Crm[]; now: number }>();
  for (const request of requests)
    for (const record of request.records)
      if (!first.has(refOf(record)))
        first.set(refOf(record), { record, crms: [...new Set(request.crms)], now: request.now });
  return [...first.values()];
}

/** Each request's count of records the database inserted; the rest are duplicates. */
function counted<T extends { source: string; id: string }>(
  requests: readonly IngestRequest<T>[],
  fresh: Set<string>,
  refused?: Set<string>,
): IngestResult[] {
  return requests.map((request) => {
    const accepted = request.records.filter((r) => fresh.delete(refOf(r))).length;
    if (!refused) return { accepted, duplicates: request.records.length - accepted };
    const erased = request.records.filter((r) => refused.has(refOf(r))).length;
    const duplicates = request.records.length - accepted - erased;
    return erased > 0 ? { accepted, duplicates, erased } : { accepted, duplicates };
  });
}

/** The sync-state and job rows of a group's records, as arrays for `unnest`. */
function queueArrays(records: readonly { ref: string; crms: readonly Crm[]; now: number }[]) {
  const crm: string[] = [];
  const ref: string[] = [];
  const now: number[] = [];
  for (const r of records)
    for (const c of r.crms) {
      crm.push(c);
      ref.push(r.ref);
      now.push(r.now);
    }
  return { crm, ref, now };
}

/** The CTEs that queue the inserted records (`ins`, with a `ref` column): states, then jobs. */
const queueCtes = (kind: 'answer' | 'rating', q: ReturnType<typeof queueArrays>) => sql`
  queued AS (
    SELECT q.crm, q.ref, q.now
    FROM unnest(${q.crm}::text[], ${q.ref}::text[], ${q.now}::bigint[]) AS q(crm, ref, now)
    JOIN ins ON ins.ref = q.ref
  ),
  states AS (
    INSERT INTO sync_state (crm, kind, ref, state, updated_at)
    SELECT crm, ${kind}, ref, 'pending', now FROM queued
    ON CONFLICT DO NOTHING
  ),
  jobs AS (
    INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at)
    SELECT crm, ${kind}, ref, 'ready', now, now, now FROM queued
    ON CONFLICT (crm, kind, ref) WHERE state IN ('ready', 'running')
    DO UPDATE SET rerun = TRUE WHERE jobs.state = 'running'
  )`;

/** Stores a group's answers in one statement; one result per request. */
export async function insertAnswersPostgres(
  db: Db,
  requests: readonly IngestRequest<Answer>[],
): Promise<IngestResult[]> {
  const group = firstOfEach(requests);
  const col = <V>(of: (a: Answer) => V) => group.map(({ record }) => of(record));
  const links = { key: [] as string[], ref: [] as string[], personal: [] as boolean[] };
  for (const { record } of group) {
    // A redacted answer keeps only the links that do not come from the person's e-mail.
    const kept = new Set(accountKeysOf(redact(record)).map((k) => k.toLowerCase()));
    for (const key of new Set(accountKeysOf(record).map((k) => k.toLowerCase()))) {
      links.key.push(key);
      links.ref.push(refOf(record));
      links.personal.push(!kept.has(key));
    }
  }
  const q = queueArrays(group.map((g) => ({ ref: refOf(g.record), crms: g.crms, now: g.now })));
  // A person erased on request: their answers given until the erasure are refused, later ones
  // stored without their personal data (as in SQLite, `insertAnswers`).
  const { rows } = await sql<{ ref: string; refused: boolean }>`
    WITH hashed AS (
      SELECT t.*, (SELECT e.erased_at FROM erasures e WHERE e.email_hash = t.email_hash) AS erased_at
      FROM unnest(
        ${col((a) => a.source)}::text[], ${col((a) => a.id)}::text[],
        ${col((a) => a.metric)}::text[], ${col((a) => a.score)}::int[],
        ${col((a) => new Date(a.answeredAt).toISOString())}::text[],
        ${col((a) => a.respondent?.email?.toLowerCase() ?? null)}::text[],
        ${col((a) => (a.respondent?.email ? hashEmail(a.respondent.email) : null))}::text[],
        ${col((a) => a.interactionId ?? null)}::text[],
        ${col((a) => JSON.stringify(a))}::text[], ${col((a) => JSON.stringify(redact(a)))}::text[],
        ${group.map((g) => g.now)}::bigint[],
        ${col((a) => Date.parse(a.answeredAt))}::bigint[]
      ) AS t(source, id, metric, score, answered_at, email, email_hash, interaction_id, body,
             redacted, received_at, answered_ms)
    ),
    input AS (
      SELECT h.*, h.erased_at IS NOT NULL AS erased,
             COALESCE(h.answered_ms <= h.erased_at, false) AS refused
      FROM hashed h
    ),
    ins AS (
      INSERT INTO answers (source, id, metric, score, answered_at, email, interaction_id, body,
                           received_at)
      SELECT source, id, metric, score, answered_at, CASE WHEN erased THEN NULL ELSE email END,
             interaction_id, CASE WHEN erased THEN redacted ELSE body END, received_at
      FROM input
      WHERE NOT refused
      ON CONFLICT DO NOTHING
      RETURNING source || ':' || id AS ref, answered_at
    ),
    links AS (
      INSERT INTO answer_accounts (account_key, source, id, answered_at)
      SELECT l.key, i.source, i.id, ins.answered_at
      FROM unnest(${links.key}::text[], ${links.ref}::text[], ${links.personal}::boolean[])
        AS l(key, ref, personal)
      JOIN ins ON ins.ref = l.ref
      JOIN input i ON i.source || ':' || i.id = l.ref
      WHERE NOT (l.personal AND i.erased)
      ON CONFLICT DO NOTHING
    ),
    ${queueCtes('answer', q)}
    SELECT ref, false AS refused FROM ins
    UNION ALL
    SELECT source || ':' || id, true FROM input WHERE refused`.execute(db);
  return counted(
    requests,
    new Set(rows.filter((r) => !r.refused).map((r) => r.ref)),
    new Set(rows.filter((r) => r.refused).map((r) => r.ref)),
  );
}

/** Stores a group's ratings in one statement; one result per request. */
export async function insertRatingsPostgres(
  db: Db,
  requests: readonly IngestRequest<Rating>[],
): Promise<IngestResult[]> {
  const group = firstOfEach(requests);
  const col = <V>(of: (r: Rating) => V) => group.map(({ record }) => of(record));
  const q = queueArrays(group.map((g) => ({ ref: refOf(g.record), crms: g.crms, now: g.now })));
  const { rows } = await sql<{ ref: string }>`
    WITH ins AS (
      INSERT INTO ratings (source, id, interaction_id, rating, rated_at, body, received_at)
      SELECT * FROM unnest(
        ${col((r) => r.source)}::text[], ${col((r) => r.id)}::text[],
        ${col((r) => r.interactionId)}::text[], ${col((r) => r.rating)}::int[],
        ${col((r) => r.ratedAt)}::text[], ${col((r) => JSON.stringify(r))}::text[],
        ${group.map((g) => g.now)}::bigint[]
      )
      ON CONFLICT DO NOTHING
      RETURNING source || ':' || id AS ref
    ),
    ${queueCtes('rating', q)}
    SELECT ref FROM ins`.execute(db);
  return counted(requests, new Set(rows.map((r) => r.ref)));
}
