import pg from 'pg';
import type { NpsCounts } from '@boucle/shared';
import type { Answer, Rating } from '@boucle/shared/schemas';
import { hashEmail, redact } from './privacy.ts';
import {
  type Queue,
  accountKeysOf,
  refOf,
  type CallbackFilter,
  type Crm,
  type DeadJob,
  type JobKind,
  type Store,
  type StoredCallback,
  type SyncState,
  KIND_ORDER,
  toJob,
  type JobRow,
} from './store.ts';

/**
 * Migrations, applied in order once each, under an advisory lock so that replicas starting
 * together apply each exactly once. Append; never edit one that has shipped. Times the queue
 * compares are epoch milliseconds (BIGINT), instants of answers ISO text, as in the SQLite store.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE answers (
     source TEXT NOT NULL, id TEXT NOT NULL, metric TEXT NOT NULL, score INTEGER NOT NULL,
     answered_at TEXT NOT NULL, email TEXT, interaction_id TEXT, body TEXT NOT NULL, received_at BIGINT NOT NULL,
     PRIMARY KEY (source, id));
   CREATE INDEX answers_interaction ON answers (interaction_id);
   CREATE INDEX answers_answered_at ON answers (answered_at);
   CREATE INDEX answers_email ON answers (email);
   CREATE TABLE answer_accounts (account_key TEXT NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL, answered_at TEXT NOT NULL,
     PRIMARY KEY (account_key, source, id));
   CREATE TABLE ratings (
     source TEXT NOT NULL, id TEXT NOT NULL, interaction_id TEXT NOT NULL, rating INTEGER NOT NULL,
     rated_at TEXT NOT NULL, body TEXT NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (source, id));
   CREATE INDEX ratings_interaction ON ratings (interaction_id);
   CREATE TABLE sync_state (crm TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, state TEXT NOT NULL,
     crm_id TEXT, detail TEXT, updated_at BIGINT NOT NULL, PRIMARY KEY (crm, kind, ref));
   CREATE INDEX sync_state_state ON sync_state (state);
   CREATE TABLE callbacks (id TEXT PRIMARY KEY, crm TEXT NOT NULL, answer_ref TEXT NOT NULL, kind TEXT NOT NULL,
     status TEXT NOT NULL, account_key TEXT, due_at TEXT NOT NULL, respondent_email TEXT, body TEXT NOT NULL,
     UNIQUE (crm, answer_ref, kind));
   CREATE INDEX callbacks_status ON callbacks (status, due_at);
   CREATE INDEX callbacks_respondent ON callbacks (respondent_email);
   CREATE TABLE jobs (id BIGSERIAL PRIMARY KEY, crm TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, run_at BIGINT NOT NULL, lease_until BIGINT,
     locked_by TEXT, last_error TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE UNIQUE INDEX jobs_one_pending ON jobs (crm, kind, ref) WHERE state IN ('ready', 'running');
   CREATE INDEX jobs_claim ON jobs (crm, state, run_at);
   CREATE TABLE sync_log (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, crm TEXT NOT NULL, kind TEXT NOT NULL,
     ref TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL);
   CREATE TABLE deliveries (source TEXT NOT NULL, delivery_id TEXT NOT NULL, received_at BIGINT NOT NULL,
     PRIMARY KEY (source, delivery_id));
   CREATE TABLE crm_contacts (crm TEXT NOT NULL, contact_id TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (crm, contact_id));
   CREATE TABLE erasures (email_hash TEXT PRIMARY KEY, erased_at BIGINT NOT NULL);
   CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL);`,
  // When each callback was raised, first contacted (attempted or reached) and closed, as UTC ISO
  // text that sorts as time (as in SQLite). The backfill reads the body as text: body::jsonb
  // refuses the \u0000 a manager's notes may hold.
  `ALTER TABLE callbacks ADD COLUMN created_at TEXT, ADD COLUMN first_contact_at TEXT,
     ADD COLUMN closed_at TEXT;
   UPDATE callbacks SET
     created_at = ${utcOf('createdAt')},
     first_contact_at = ${utcOf('firstContactAt')},
     closed_at = ${utcOf('closedAt')};
   CREATE INDEX callbacks_created_at ON callbacks (created_at);`,
  // A record queued again while its job runs (a callback changed during its sync) is run once
  // more when that job settles, instead of being dropped. Open jobs are counted, and done ones
  // pruned, through indexes that do not grow with the history.
  `ALTER TABLE jobs ADD COLUMN rerun BOOLEAN NOT NULL DEFAULT false;
   CREATE INDEX jobs_open ON jobs (crm, state) WHERE state IN ('ready', 'running', 'dead');
   CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';`,
];

/** An instant of the callback's JSON body, as UTC ISO text like Date#toISOString (or NULL). */
function utcOf(field: string): string {
  return `to_char((substring(body from '"${field}":"([^"]+)"')::timestamptz) AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** An optional instant as the callbacks' time columns keep it: UTC ISO text, or NULL. */
const utc = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : null);

const KIND_RANK: Record<string, number> = { answer: 0, rating: 1, callback: 2 };

const splitRef = (ref: string): [string, string] => {
  const at = ref.indexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
};

type Db = pg.Pool | pg.PoolClient;

/**
 * The PostgreSQL store (`DATABASE_URL`): the same tables and semantics as the SQLite store, for
 * several server replicas sharing one database. Jobs are claimed with `FOR UPDATE SKIP LOCKED`, so
 * concurrent workers never claim one job twice; leases and heartbeats work as in SQLite.
 */
export class PostgresStore implements Store {
  private constructor(readonly pool: pg.Pool) {}

  /** Connects, checks the database answers, and applies the migrations it lacks. */
  static async open(connectionString: string): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: 10,
      // BIGINT columns hold epoch milliseconds and counts: numbers, not strings.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === 20
            ? Number
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A broken idle connection is replaced by the pool; it must not crash the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (db) => {
      await db.query(`SELECT pg_advisory_xact_lock(hashtext('boucle-migrations'))`);
      await db.query(
        'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const applied = new Set(
        (await db.query<{ version: number }>('SELECT version FROM migrations')).rows.map(
          (r) => r.version,
        ),
      );
      for (const [index, sql] of MIGRATIONS.entries()) {
        if (applied.has(index + 1)) continue;
        await db.query(sql);
        await db.query('INSERT INTO migrations (version, applied_at) VALUES ($1, $2)', [
          index + 1,
          new Date().toISOString(),
        ]);
      }
    });
  }

  private async transaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async enqueueIn(
    db: Db,
    crm: Queue,
    kind: JobKind,
    refs: readonly string[],
    runAt: number,
  ) {
    if (refs.length === 0) return;
    await db.query(
      `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at)
       SELECT $1, $2, ref, 'ready', $3, $3, $3 FROM unnest($4::text[]) AS ref
       ON CONFLICT (crm, kind, ref) WHERE state IN ('ready', 'running')
       DO UPDATE SET rerun = true WHERE jobs.state = 'running'`,
      [crm, kind, runAt, [...new Set(refs)]],
    );
  }

  private async pendingStates(
    db: Db,
    kind: JobKind,
    refs: readonly string[],
    crms: readonly Crm[],
    now: number,
  ) {
    if (refs.length === 0 || crms.length === 0) return;
    await db.query(
      `INSERT INTO sync_state (crm, kind, ref, state, updated_at)
       SELECT crm, $1, ref, 'pending', $2 FROM unnest($3::text[]) AS crm CROSS JOIN unnest($4::text[]) AS ref
       ON CONFLICT DO NOTHING`,
      [kind, now, crms, refs],
    );
  }

  async ingestAnswers(answers: readonly Answer[], crms: readonly Crm[], now: number) {
    return this.transaction(async (db) => {
      const emails = answers
        .map((a) => a.respondent?.email)
        .filter((e): e is string => Boolean(e))
        .map(hashEmail);
      const erased = new Set(
        emails.length === 0
          ? []
          : (
              await db.query<{ email_hash: string }>(
                'SELECT email_hash FROM erasures WHERE email_hash = ANY($1::text[])',
                [emails],
              )
            ).rows.map((r) => r.email_hash),
      );
      // A replay of a person erased on request comes back without their personal data.
      const stored = answers.map((original) => {
        const email = original.respondent?.email;
        return email && erased.has(hashEmail(email)) ? redact(original) : original;
      });
      const inserted = await db.query<{ source: string; id: string }>(
        `INSERT INTO answers (source, id, metric, score, answered_at, email, interaction_id, body, received_at)
         SELECT * , $9::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
         ON CONFLICT DO NOTHING RETURNING source, id`,
        [
          stored.map((a) => a.source),
          stored.map((a) => a.id),
          stored.map((a) => a.metric),
          stored.map((a) => a.score),
          stored.map((a) => new Date(a.answeredAt).toISOString()),
          stored.map((a) => a.respondent?.email?.toLowerCase() ?? null),
          stored.map((a) => a.interactionId ?? null),
          stored.map((a) => JSON.stringify(a)),
          now,
        ],
      );
      const fresh = new Set(inserted.rows.map((r) => `${r.source}:${r.id}`));
      // Within one call, the first of two answers with the same key is the one stored.
      const accepted = stored.filter((a) => fresh.delete(refOf(a)));
      const links = accepted.flatMap((a) =>
        accountKeysOf(a).map((key) => [
          key.toLowerCase(),
          a.source,
          a.id,
          new Date(a.answeredAt).toISOString(),
        ]),
      );
      if (links.length > 0)
        await db.query(
          `INSERT INTO answer_accounts (account_key, source, id, answered_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
          [0, 1, 2, 3].map((i) => links.map((l) => l[i])),
        );
      const refs = accepted.map(refOf);
      await this.pendingStates(db, 'answer', refs, crms, now);
      for (const crm of crms) await this.enqueueIn(db, crm, 'answer', refs, now);
      return { accepted: accepted.length, duplicates: answers.length - accepted.length };
    });
  }

  async ingestRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    return this.transaction(async (db) => {
      const inserted = await db.query<{ source: string; id: string }>(
        `INSERT INTO ratings (source, id, interaction_id, rating, rated_at, body, received_at)
         SELECT *, $7::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])
         ON CONFLICT DO NOTHING RETURNING source, id`,
        [
          ratings.map((r) => r.source),
          ratings.map((r) => r.id),
          ratings.map((r) => r.interactionId),
          ratings.map((r) => r.rating),
          ratings.map((r) => r.ratedAt),
          ratings.map((r) => JSON.stringify(r)),
          now,
        ],
      );
      const fresh = new Set(inserted.rows.map((r) => `${r.source}:${r.id}`));
      const refs = [...new Set(ratings.map(refOf).filter((ref) => fresh.has(ref)))];
      await this.pendingStates(db, 'rating', refs, crms, now);
      for (const crm of crms) await this.enqueueIn(db, crm, 'rating', refs, now);
      return { accepted: refs.length, duplicates: ratings.length - refs.length };
    });
  }

  async reviseRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    const { accepted } = await this.ingestRatings(ratings, crms, now);
    if (ratings.length === 0) return { accepted, revised: 0 };
    return this.transaction(async (db) => {
      const updated = await db.query<{ source: string; id: string }>(
        `UPDATE ratings r SET interaction_id = k.interaction_id, rating = k.rating, rated_at = k.rated_at, body = k.body
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])
           AS k(source, id, interaction_id, rating, rated_at, body)
         WHERE r.source = k.source AND r.id = k.id AND r.body <> k.body
         RETURNING r.source, r.id`,
        [
          ratings.map((r) => r.source),
          ratings.map((r) => r.id),
          ratings.map((r) => r.interactionId),
          ratings.map((r) => r.rating),
          ratings.map((r) => r.ratedAt),
          ratings.map((r) => JSON.stringify(r)),
        ],
      );
      const refs = [...new Set(updated.rows.map((r) => `${r.source}:${r.id}`))];
      for (const crm of crms) await this.enqueueIn(db, crm, 'rating', refs, now);
      return { accepted, revised: refs.length };
    });
  }

  private async byRefs<T>(table: 'answers' | 'ratings', refs: readonly string[]) {
    const result = new Map<string, T>();
    if (refs.length === 0) return result;
    const { rows } = await this.pool.query<{ source: string; id: string; body: string }>(
      `SELECT t.source, t.id, t.body FROM ${table} t
       JOIN unnest($1::text[], $2::text[]) AS k(source, id) ON t.source = k.source AND t.id = k.id`,
      [refs.map((r) => splitRef(r)[0]), refs.map((r) => splitRef(r)[1])],
    );
    for (const row of rows) result.set(`${row.source}:${row.id}`, JSON.parse(row.body) as T);
    return result;
  }

  async getAnswers(refs: readonly string[]) {
    return this.byRefs<Answer>('answers', refs);
  }

  async getRatings(refs: readonly string[]) {
    return this.byRefs<Rating>('ratings', refs);
  }

  private async bodies<T>(sql: string, params: unknown[]): Promise<T[]> {
    const { rows } = await this.pool.query<{ body: string }>(sql, params);
    return rows.map((row) => JSON.parse(row.body) as T);
  }

  async answersForAccount(keys: readonly string[], sinceIso: string): Promise<Answer[]> {
    if (keys.length === 0) return [];
    return this.bodies<Answer>(
      `SELECT a.body FROM answers a WHERE EXISTS (
         SELECT 1 FROM answer_accounts k WHERE k.source = a.source AND k.id = a.id
         AND k.account_key = ANY($1::text[]) AND k.answered_at >= $2)
       ORDER BY a.answered_at`,
      [keys.map((k) => k.toLowerCase()), new Date(sinceIso).toISOString()],
    );
  }

  async touchpointCounts() {
    const result = await this.pool.query<{ label: string; answers: number }>(
      `SELECT body::jsonb->>'touchpoint' AS label, COUNT(*)::int AS answers FROM answers
       WHERE body::jsonb->>'touchpoint' IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    return result.rows;
  }

  async answersSince(sinceIso: string): Promise<Answer[]> {
    return this.bodies<Answer>('SELECT body FROM answers WHERE answered_at >= $1', [
      new Date(sinceIso).toISOString(),
    ]);
  }

  async npsCountsSince(sinceIso: string): Promise<NpsCounts> {
    const { rows } = await this.pool.query<Record<keyof NpsCounts, string>>(
      "SELECT COUNT(*) FILTER (WHERE score >= 9) AS promoters, COUNT(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives, COUNT(*) FILTER (WHERE score <= 6) AS detractors FROM answers WHERE metric = 'nps' AND answered_at >= $1",
      [new Date(sinceIso).toISOString()],
    );
    const row = rows[0];
    return {
      promoters: Number(row?.promoters ?? 0),
      passives: Number(row?.passives ?? 0),
      detractors: Number(row?.detractors ?? 0),
    };
  }

  async answerForInteraction(interactionId: string) {
    return (
      await this.bodies<Answer>(
        'SELECT body FROM answers WHERE interaction_id = $1 ORDER BY answered_at DESC LIMIT 1',
        [interactionId],
      )
    )[0];
  }

  async ratingForInteraction(interactionId: string) {
    return (
      await this.bodies<Rating>(
        'SELECT body FROM ratings WHERE interaction_id = $1 ORDER BY rated_at DESC LIMIT 1',
        [interactionId],
      )
    )[0];
  }

  async unmatchedAnswers(limit: number) {
    const { rows } = await this.pool.query<{ crm: Crm; detail: string | null; body: string }>(
      `SELECT s.crm, s.detail, a.body FROM sync_state s JOIN answers a ON s.ref = a.source || ':' || a.id
       WHERE s.kind = 'answer' AND s.state = 'unmatched' ORDER BY a.answered_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      crm: row.crm,
      detail: row.detail ?? '',
      answer: JSON.parse(row.body) as Answer,
    }));
  }

  async linkAnswerAccount(ref: string, accountKey: string) {
    const [source, id] = splitRef(ref);
    await this.pool.query(
      `INSERT INTO answer_accounts (account_key, source, id, answered_at)
       SELECT $1, source, id, answered_at FROM answers WHERE source = $2 AND id = $3 ON CONFLICT DO NOTHING`,
      [accountKey.toLowerCase(), source, id],
    );
  }

  async setSyncState(
    crm: Crm,
    kind: JobKind,
    ref: string,
    state: SyncState,
    detail?: string,
    crmId?: string,
  ) {
    await this.pool.query(
      `INSERT INTO sync_state (crm, kind, ref, state, crm_id, detail, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (crm, kind, ref) DO UPDATE SET state = excluded.state,
       crm_id = COALESCE(excluded.crm_id, sync_state.crm_id), detail = excluded.detail, updated_at = excluded.updated_at`,
      [crm, kind, ref, state, crmId ?? null, detail ?? null, Date.now()],
    );
  }

  async syncStates(crm: Crm, kind: JobKind, refs: readonly string[]) {
    const result = new Map<string, { state: SyncState; crmId?: string }>();
    if (refs.length === 0) return result;
    const { rows } = await this.pool.query<{
      ref: string;
      state: SyncState;
      crm_id: string | null;
    }>(
      'SELECT ref, state, crm_id FROM sync_state WHERE crm = $1 AND kind = $2 AND ref = ANY($3::text[])',
      [crm, kind, refs],
    );
    for (const row of rows)
      result.set(row.ref, { state: row.state, ...(row.crm_id && { crmId: row.crm_id }) });
    return result;
  }

  async createCallbacks(callbacks: readonly StoredCallback[], now: number) {
    if (callbacks.length === 0) return [];
    return this.transaction(async (db) => {
      const created: string[] = [];
      for (const callback of callbacks) {
        const result = await db.query(
          `INSERT INTO callbacks (id, crm, answer_ref, kind, status, account_key, due_at, respondent_email, body,
             created_at, first_contact_at, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
          [
            callback.id,
            callback.crm,
            callback.answerRef,
            callback.kind,
            callback.status,
            callback.accountKey ?? null,
            callback.dueAt,
            callback.respondentEmail?.toLowerCase() ?? null,
            JSON.stringify(callback),
            utc(callback.createdAt),
            utc(callback.firstContactAt),
            utc(callback.closedAt),
          ],
        );
        if ((result.rowCount ?? 0) === 0) continue;
        created.push(callback.id);
        await this.enqueueIn(db, callback.crm, 'callback', [callback.id], now);
      }
      return created;
    });
  }

  async getCallback(id: string) {
    return (await this.getCallbacks([id])).get(id);
  }

  async getCallbacks(ids: readonly string[]) {
    const result = new Map<string, StoredCallback>();
    if (ids.length === 0) return result;
    const { rows } = await this.pool.query<{ id: string; body: string }>(
      'SELECT id, body FROM callbacks WHERE id = ANY($1::text[])',
      [ids],
    );
    for (const row of rows) result.set(row.id, JSON.parse(row.body) as StoredCallback);
    return result;
  }

  async updateCallback(
    id: string,
    change: (current: StoredCallback) => StoredCallback | undefined,
    options: { enqueueAt?: number } = {},
  ) {
    // The row stays locked from the read to the write: replicas changing it wait their turn.
    return this.transaction(async (db) => {
      const { rows } = await db.query<{ body: string }>(
        'SELECT body FROM callbacks WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rows[0]) return undefined;
      const next = change(JSON.parse(rows[0].body) as StoredCallback);
      if (!next) return undefined;
      await db.query(
        `UPDATE callbacks SET status = $1, due_at = $2, account_key = $3, respondent_email = $4, body = $5,
         first_contact_at = $7, closed_at = $8, created_at = $9 WHERE id = $6`,
        [
          next.status,
          next.dueAt,
          next.accountKey ?? null,
          next.respondentEmail?.toLowerCase() ?? null,
          JSON.stringify(next),
          id,
          utc(next.firstContactAt),
          utc(next.closedAt),
          utc(next.createdAt),
        ],
      );
      if (options.enqueueAt !== undefined)
        await this.enqueueIn(db, next.crm, 'callback', [id], options.enqueueAt);
      return next;
    });
  }

  async queueUnsyncedCallbacks(now: number) {
    const result = await this.pool.query(
      `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at)
       SELECT c.crm, 'callback', c.id, 'ready', $1, $1, $1 FROM callbacks c
       WHERE NOT EXISTS (SELECT 1 FROM sync_state s WHERE s.crm = c.crm AND s.kind = 'callback'
         AND s.ref = c.id AND s.state IN ('synced', 'dead'))
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.crm = c.crm AND j.kind = 'callback'
         AND j.ref = c.id AND j.state IN ('ready', 'running', 'dead'))
       ON CONFLICT (crm, kind, ref) WHERE state IN ('ready', 'running') DO NOTHING`,
      [now],
    );
    return result.rowCount ?? 0;
  }

  async listCallbacks(filter: CallbackFilter) {
    const params: unknown[] = [];
    const clauses = [`status NOT IN ('resolved', 'closed_no_contact')`];
    if (filter.status && filter.status !== 'open' && filter.status !== 'overdue') {
      params.push(filter.status);
      clauses[0] = `status = $${params.length}`;
    }
    if (filter.status === 'overdue') {
      params.push(new Date(filter.now).toISOString());
      clauses.push(`due_at < $${params.length}`, `status IN ('open', 'attempted', 'escalated')`);
    }
    if (filter.accountKey) {
      params.push(filter.accountKey);
      clauses.push(`lower(account_key) = lower($${params.length})`);
    }
    params.push(filter.limit ?? 500);
    return this.bodies<StoredCallback>(
      `SELECT body FROM callbacks WHERE ${clauses.join(' AND ')} ORDER BY due_at LIMIT $${params.length}`,
      params,
    );
  }

  async callbacksCreatedSince(sinceIso: string) {
    return this.bodies<StoredCallback>(
      'SELECT body FROM callbacks WHERE created_at >= $1 ORDER BY created_at, id',
      [new Date(sinceIso).toISOString()],
    );
  }

  async enqueue(crm: Queue, kind: JobKind, refs: readonly string[], runAt: number) {
    await this.enqueueIn(this.pool, crm, kind, refs, runAt);
  }

  async claim(crm: Queue, workerId: string, limit: number, leaseMs: number, now: number) {
    const { rows } = await this.pool.query<JobRow>(
      `UPDATE jobs SET state = 'running', locked_by = $1, lease_until = $2, updated_at = $3
       WHERE id IN (
         SELECT id FROM jobs
         WHERE crm = $4 AND ((state = 'ready' AND run_at <= $3) OR (state = 'running' AND lease_until < $3))
         ORDER BY ${KIND_ORDER}, run_at, id LIMIT $5
         FOR UPDATE SKIP LOCKED)
       RETURNING id, crm, kind, ref, attempts, last_error, run_at, updated_at`,
      [workerId, now + leaseMs, now, crm, limit],
    );
    return rows
      .sort(
        (a, b) =>
          (KIND_RANK[a.kind] ?? 3) - (KIND_RANK[b.kind] ?? 3) ||
          (a.run_at ?? 0) - (b.run_at ?? 0) ||
          a.id - b.id,
      )
      .map(toJob);
  }

  async heartbeat(ids: readonly number[], workerId: string, leaseMs: number, now: number) {
    if (ids.length === 0) return;
    await this.pool.query(
      `UPDATE jobs SET lease_until = $1, updated_at = $2 WHERE state = 'running' AND locked_by = $3 AND id = ANY($4::bigint[])`,
      [now + leaseMs, now, workerId, ids],
    );
  }

  async complete(ids: readonly number[], now: number) {
    if (ids.length === 0) return;
    await this.pool.query(
      `UPDATE jobs SET state = CASE WHEN rerun THEN 'ready' ELSE 'done' END,
       run_at = CASE WHEN rerun THEN $1 ELSE run_at END, attempts = CASE WHEN rerun THEN 0 ELSE attempts END,
       rerun = false, lease_until = NULL, updated_at = $1 WHERE id = ANY($2::bigint[])`,
      [now, ids],
    );
  }

  async retry(
    id: number,
    error: string,
    delayMs: number,
    now: number,
    options: { countAttempt: boolean; maxAttempts: number },
  ) {
    const { rows } = await this.pool.query<{ state: string }>(
      `UPDATE jobs SET attempts = attempts + $1,
         state = CASE WHEN attempts + $1 >= $2 THEN 'dead' ELSE 'ready' END,
         run_at = $3, last_error = $4, rerun = false, lease_until = NULL, locked_by = NULL, updated_at = $5
       WHERE id = $6 RETURNING state`,
      [options.countAttempt ? 1 : 0, options.maxAttempts, now + delayMs, error, now, id],
    );
    return rows[0]?.state === 'dead' ? ('dead' as const) : ('retry' as const);
  }

  async deadLetter(id: number, error: string, now: number) {
    await this.pool.query(
      `UPDATE jobs SET state = 'dead', attempts = attempts + 1, last_error = $1, lease_until = NULL,
       locked_by = NULL, updated_at = $2 WHERE id = $3`,
      [error, now, id],
    );
  }

  async listDead(limit: number): Promise<DeadJob[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT id, crm, kind, ref, attempts, last_error, run_at, updated_at FROM jobs
       WHERE state = 'dead' ORDER BY updated_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      ...toJob(row),
      lastError: row.last_error ?? '',
      updatedAt: new Date(row.updated_at).toISOString(),
    }));
  }

  async replay(ids: readonly number[] | 'all', now: number) {
    return this.transaction(async (db) => {
      const { rows } = await db.query<{ id: number; crm: Crm; kind: JobKind; ref: string }>(
        ids === 'all'
          ? `SELECT id, crm, kind, ref FROM jobs WHERE state = 'dead' FOR UPDATE`
          : `SELECT id, crm, kind, ref FROM jobs WHERE state = 'dead' AND id = ANY($1::bigint[]) FOR UPDATE`,
        ids === 'all' ? [] : [ids],
      );
      for (const row of rows) {
        const pending = await db.query(
          `SELECT 1 FROM jobs WHERE crm = $1 AND kind = $2 AND ref = $3 AND state IN ('ready', 'running')`,
          [row.crm, row.kind, row.ref],
        );
        // The same record already queued again makes the dead copy redundant.
        await db.query(
          (pending.rowCount ?? 0) > 0
            ? `UPDATE jobs SET state = 'done', updated_at = $1 WHERE id = $2`
            : `UPDATE jobs SET state = 'ready', attempts = 0, run_at = $1, updated_at = $1 WHERE id = $2`,
          [now, row.id],
        );
        await db.query(
          `UPDATE sync_state SET state = 'pending', updated_at = $1
           WHERE crm = $2 AND kind = $3 AND ref = $4 AND state = 'dead'`,
          [now, row.crm, row.kind, row.ref],
        );
      }
      return rows.length;
    });
  }

  async queueStats() {
    const { rows } = await this.pool.query<{ crm: string; state: string; n: number }>(
      'SELECT crm, state, COUNT(*) AS n FROM jobs GROUP BY crm, state',
    );
    return Object.fromEntries(rows.map((r) => [`${r.crm}.${r.state}`, r.n]));
  }

  async openJobCounts() {
    const { rows } = await this.pool.query<{ crm: string; state: string; n: number }>(
      `SELECT crm, state, COUNT(*) AS n FROM jobs WHERE state IN ('ready', 'running', 'dead') GROUP BY crm, state`,
    );
    return Object.fromEntries(rows.map((r) => [`${r.crm}.${r.state}`, r.n]));
  }

  async pruneDoneJobs(before: number, limit: number) {
    const result = await this.pool.query(
      `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND updated_at < $1 LIMIT $2)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }

  async ping() {
    await this.pool.query('SELECT 1');
  }

  async linkContact(crm: Crm, contactId: string, email: string) {
    await this.pool.query(
      `INSERT INTO crm_contacts (crm, contact_id, email) VALUES ($1, $2, $3)
       ON CONFLICT (crm, contact_id) DO UPDATE SET email = excluded.email`,
      [crm, contactId, email.toLowerCase()],
    );
  }

  async eraseContact(crm: Crm, contactId: string, now: number) {
    return this.transaction(async (db) => {
      const { rows } = await db.query<{ email: string }>(
        'DELETE FROM crm_contacts WHERE crm = $1 AND contact_id = $2 RETURNING email',
        [crm, contactId],
      );
      let erased = 0;
      for (const { email } of rows) erased += await this.eraseEmail(db, email, now);
      return erased;
    });
  }

  /** Redacts a person's answers (e-mail, name, verbatim) and callbacks; keeps the scores. */
  private async eraseEmail(db: pg.PoolClient, email: string, now: number): Promise<number> {
    const address = email.toLowerCase();
    await db.query(
      'INSERT INTO erasures (email_hash, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [hashEmail(email), now],
    );
    const { rows } = await db.query<{ source: string; id: string; body: string }>(
      'SELECT source, id, body FROM answers WHERE email = $1 FOR UPDATE',
      [address],
    );
    for (const row of rows)
      await db.query('UPDATE answers SET email = NULL, body = $1 WHERE source = $2 AND id = $3', [
        JSON.stringify(redact(JSON.parse(row.body) as Answer)),
        row.source,
        row.id,
      ]);
    const callbacks = await db.query<{ id: string; body: string }>(
      // A column, not body::jsonb: jsonb refuses the \u0000 a manager's notes may hold.
      'SELECT id, body FROM callbacks WHERE respondent_email = $1 FOR UPDATE',
      [address],
    );
    for (const callback of callbacks.rows) {
      const { respondentEmail: _removed, ...rest } = JSON.parse(callback.body) as StoredCallback;
      await db.query('UPDATE callbacks SET respondent_email = NULL, body = $1 WHERE id = $2', [
        JSON.stringify(rest),
        callback.id,
      ]);
    }
    return rows.length;
  }

  async getSetting<T>(name: string) {
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM settings WHERE name = $1',
      [name],
    );
    return rows[0] ? (JSON.parse(rows[0].value) as T) : undefined;
  }

  async setSetting(name: string, value: unknown, now: number) {
    await this.pool.query(
      `INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [name, JSON.stringify(value), now],
    );
  }

  async answersForRespondent(email: string, limit: number) {
    return this.bodies<Answer>(
      'SELECT body FROM answers WHERE email = $1 ORDER BY answered_at DESC LIMIT $2',
      [email.toLowerCase(), limit],
    );
  }

  async ratingsForInteractions(interactionIds: readonly string[]) {
    if (interactionIds.length === 0) return [];
    return this.bodies<Rating>('SELECT body FROM ratings WHERE interaction_id = ANY($1::text[])', [
      interactionIds,
    ]);
  }

  async getCursor(name: string) {
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM cursors WHERE name = $1',
      [name],
    );
    return rows[0]?.value;
  }

  async setCursor(name: string, value: string) {
    await this.pool.query(
      `INSERT INTO cursors (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [name, value],
    );
  }

  async recordDelivery(source: string, deliveryId: string, now: number) {
    const result = await this.pool.query(
      `INSERT INTO deliveries (source, delivery_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [source, deliveryId, now],
    );
    return (result.rowCount ?? 0) > 0;
  }

  // Signatures share the deliveries table under their own source: no migration, same shape. The
  // insert is atomic, so of two replicas receiving the same signature only one claims it.
  async claimSignature(scope: string, signature: string, now: number, keepMs: number) {
    const source = `signature:${scope}`;
    await this.pool.query('DELETE FROM deliveries WHERE source = $1 AND received_at < $2', [
      source,
      now - keepMs,
    ]);
    const result = await this.pool.query(
      `INSERT INTO deliveries (source, delivery_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [source, signature, now],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async releaseSignature(scope: string, signature: string) {
    await this.pool.query('DELETE FROM deliveries WHERE source = $1 AND delivery_id = $2', [
      `signature:${scope}`,
      signature,
    ]);
  }

  async log(crm: Crm, kind: JobKind, ref: string, outcome: string, detail: string, now: number) {
    await this.pool.query(
      'INSERT INTO sync_log (at, crm, kind, ref, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [now, crm, kind, ref, outcome, detail],
    );
  }

  async runExclusive<T>(name: string, work: () => Promise<T>) {
    // A session lock on one connection held for the work; the others run it without waiting.
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('boucle:' || $1)) AS locked`,
        [name],
      );
      if (!rows[0]?.locked) return undefined;
      try {
        return await work();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('boucle:' || $1))`, [name]);
      }
    } finally {
      client.release();
    }
  }

  async close() {
    await this.pool.end();
  }
}
