import type { Answer, Rating } from '@boucle/shared/schemas';
import type { Kysely } from 'kysely';
import { chunks, enqueueJobs, pendingSyncStates } from './jobs.ts';
import { hashEmail, redact } from './privacy.ts';
import type { Schema } from './schema.ts';
import type { Dialect } from './dialect.ts';
import { accountKeysOf, type Crm, refOf } from './store.ts';

// Answers and ratings coming in: many requests' records written together (group commit), each
// request's own result counted exactly as if it had been written alone, in its order.

type Db = Kysely<Schema>;

/** One caller's records, with the CRMs to sync them to and its clock. */
export interface IngestRequest<T> {
  readonly records: readonly T[];
  readonly crms: readonly Crm[];
  readonly now: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Answers refused because their respondent was erased on request before they were given. */
  erased?: number;
}

const keyOf = (source: string, id: string) => `${source}:${id}`;

/**
 * Which of these records each request stored: `fresh` holds the keys the database inserted; of two
 * records with one key (in one request or two), the first is the one stored, the other a
 * duplicate.
 */
function perRequest<T extends { source: string; id: string }>(
  requests: readonly IngestRequest<T>[],
  fresh: Set<string>,
): { accepted: T[][]; results: IngestResult[] } {
  const accepted = requests.map((request) => request.records.filter((r) => fresh.delete(refOf(r))));
  return {
    accepted,
    results: requests.map((request, i) => ({
      accepted: accepted[i]!.length,
      duplicates: request.records.length - accepted[i]!.length,
    })),
  };
}

/** Queues the sync of the records accepted, and their `pending` states, for each request's CRMs. */
async function queueAccepted(
  db: Db,
  d: Dialect,
  kind: 'answer' | 'rating',
  requests: readonly IngestRequest<unknown>[],
  accepted: readonly { source: string; id: string }[][],
) {
  const rows = requests.flatMap((request, i) =>
    accepted[i]!.flatMap((record) =>
      request.crms.map((crm) => ({ crm, kind, ref: refOf(record), now: request.now })),
    ),
  );
  await pendingSyncStates(db, rows);
  await enqueueJobs(
    db,
    d,
    rows.map((row) => ({ crm: row.crm, kind, ref: row.ref, runAt: row.now })),
  );
}

/** Stores the answers of several requests in the caller's transaction; one result per request. */
export async function insertAnswers(
  db: Db,
  d: Dialect,
  requests: readonly IngestRequest<Answer>[],
): Promise<IngestResult[]> {
  const hashes = [
    ...new Set(
      requests.flatMap((r) =>
        r.records.flatMap((a) => (a.respondent?.email ? [hashEmail(a.respondent.email)] : [])),
      ),
    ),
  ];
  const erasedAt = new Map<string, number>();
  for (const part of chunks(hashes))
    for (const row of await db
      .selectFrom('erasures')
      .select(['email_hash', 'erased_at'])
      .where('email_hash', 'in', part)
      .execute())
      erasedAt.set(row.email_hash, Number(row.erased_at));
  // A person erased on request: their answers given until the erasure are refused (a replay, a
  // survey tool's backfill, an old export must not bring them back); a later one is stored
  // without their personal data.
  const stored = requests.map((request) => {
    const records: Answer[] = [];
    let refused = 0;
    for (const original of request.records) {
      const email = original.respondent?.email;
      const at = email ? erasedAt.get(hashEmail(email)) : undefined;
      if (at === undefined) records.push(original);
      else if (Date.parse(original.answeredAt) <= at) refused++;
      else records.push(redact(original));
    }
    return { ...request, records, refused };
  });
  const rows = stored.flatMap((request) =>
    request.records.map((a) => ({
      source: a.source,
      id: a.id,
      metric: a.metric,
      score: a.score,
      answered_at: new Date(a.answeredAt).toISOString(),
      email: a.respondent?.email?.toLowerCase() ?? null,
      interaction_id: a.interactionId ?? null,
      body: JSON.stringify(a),
      received_at: request.now,
    })),
  );
  const fresh = new Set<string>();
  for (const part of chunks(rows))
    for (const row of await db
      .insertInto('answers')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .returning(['source', 'id'])
      .execute())
      fresh.add(keyOf(row.source, row.id));
  const { accepted, results } = perRequest(stored, fresh);
  const links = accepted.flat().flatMap((a) =>
    accountKeysOf(a).map((key) => ({
      account_key: key.toLowerCase(),
      source: a.source,
      id: a.id,
      answered_at: new Date(a.answeredAt).toISOString(),
    })),
  );
  for (const part of chunks(links))
    await db
      .insertInto('answer_accounts')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
  await queueAccepted(db, d, 'answer', stored, accepted);
  return results.map((result, i) => {
    const erased = stored[i]!.refused;
    return erased > 0 ? { ...result, erased } : result;
  });
}

/** Stores the ratings of several requests in the caller's transaction; one result per request. */
export async function insertRatings(
  db: Db,
  d: Dialect,
  requests: readonly IngestRequest<Rating>[],
): Promise<IngestResult[]> {
  const rows = requests.flatMap((request) =>
    request.records.map((r) => ({
      source: r.source,
      id: r.id,
      interaction_id: r.interactionId,
      rating: r.rating,
      rated_at: r.ratedAt,
      body: JSON.stringify(r),
      received_at: request.now,
    })),
  );
  const fresh = new Set<string>();
  for (const part of chunks(rows))
    for (const row of await db
      .insertInto('ratings')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .returning(['source', 'id'])
      .execute())
      fresh.add(keyOf(row.source, row.id));
  const { accepted, results } = perRequest(requests, fresh);
  await queueAccepted(db, d, 'rating', requests, accepted);
  return results;
}

/** Replaces stored ratings whose content changed (the latest wins); returns their keys. */
export async function reviseStoredRatings(db: Db, ratings: readonly Rating[]): Promise<string[]> {
  const revised = new Set<string>();
  for (const rating of ratings) {
    const body = JSON.stringify(rating);
    const row = await db
      .updateTable('ratings')
      .set({
        interaction_id: rating.interactionId,
        rating: rating.rating,
        rated_at: rating.ratedAt,
        body,
      })
      .where('source', '=', rating.source)
      .where('id', '=', rating.id)
      .where('body', '<>', body)
      .returning(['source', 'id'])
      .executeTakeFirst();
    if (row) revised.add(keyOf(row.source, row.id));
  }
  return [...revised];
}

/** Bodies of answers or ratings by `source:id`. */
export async function bodiesByRef<T>(
  db: Db,
  table: 'answers' | 'ratings',
  refs: readonly string[],
): Promise<Map<string, T>> {
  const result = new Map<string, T>();
  const keys = [...new Set(refs)].map((ref) => {
    const at = ref.indexOf(':');
    return [ref.slice(0, at), ref.slice(at + 1)] as const;
  });
  for (const part of chunks(keys))
    for (const row of await db
      .selectFrom(table)
      .select(['source', 'id', 'body'])
      .where((eb) =>
        eb(
          eb.refTuple('source', 'id'),
          'in',
          part.map(([source, id]) => eb.tuple(source, id)),
        ),
      )
      .execute())
      result.set(keyOf(row.source, row.id), JSON.parse(row.body) as T);
  return result;
}
