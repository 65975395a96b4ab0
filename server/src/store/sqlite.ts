import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { hashEmail, redact } from './privacy.ts';
import type { NpsCounts } from '@boucle/shared';
import type { Answer, Rating } from '@boucle/shared/schemas';
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
 * Migrations, applied in order once each. Append; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE answers (
     source TEXT NOT NULL, id TEXT NOT NULL, metric TEXT NOT NULL, score INTEGER NOT NULL,
     answered_at TEXT NOT NULL, email TEXT, interaction_id TEXT, body TEXT NOT NULL, received_at INTEGER NOT NULL,
     PRIMARY KEY (source, id));
   CREATE INDEX answers_interaction ON answers (interaction_id);
   CREATE INDEX answers_answered_at ON answers (answered_at);
   CREATE TABLE answer_accounts (account_key TEXT NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL, answered_at TEXT NOT NULL,
     PRIMARY KEY (account_key, source, id));
   CREATE TABLE ratings (
     source TEXT NOT NULL, id TEXT NOT NULL, interaction_id TEXT NOT NULL, rating INTEGER NOT NULL,
     rated_at TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (source, id));
   CREATE INDEX ratings_interaction ON ratings (interaction_id);
   CREATE TABLE sync_state (crm TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, state TEXT NOT NULL,
     crm_id TEXT, detail TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (crm, kind, ref));
   CREATE INDEX sync_state_state ON sync_state (state);
   CREATE TABLE callbacks (id TEXT PRIMARY KEY, crm TEXT NOT NULL, answer_ref TEXT NOT NULL, kind TEXT NOT NULL,
     status TEXT NOT NULL, account_key TEXT, due_at TEXT NOT NULL, body TEXT NOT NULL,
     UNIQUE (crm, answer_ref, kind));
   CREATE INDEX callbacks_status ON callbacks (status, due_at);
   CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, crm TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, run_at INTEGER NOT NULL, lease_until INTEGER,
     locked_by TEXT, last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE UNIQUE INDEX jobs_one_pending ON jobs (crm, kind, ref) WHERE state IN ('ready', 'running');
   CREATE INDEX jobs_claim ON jobs (crm, state, run_at);
   CREATE TABLE sync_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, crm TEXT NOT NULL, kind TEXT NOT NULL,
     ref TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL);`,
  // Webhook deliveries seen, so that a provider's retry (any window) is recognised.
  `CREATE TABLE deliveries (source TEXT NOT NULL, delivery_id TEXT NOT NULL, received_at INTEGER NOT NULL,
     PRIMARY KEY (source, delivery_id));`,
  // CRM contact ids resolved for respondents (to honour a privacy deletion of that contact), the
  // hashed e-mails erased on request (so a replay cannot bring them back), and polling cursors.
  `CREATE TABLE crm_contacts (crm TEXT NOT NULL, contact_id TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (crm, contact_id));
   CREATE TABLE erasures (email_hash TEXT PRIMARY KEY, erased_at INTEGER NOT NULL);
   CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Settings edited from the HubSpot app's settings page (thresholds, business hours, caps).
  `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // When each callback was raised, first contacted (attempted or reached) and closed, as UTC ISO
  // text that sorts as time: loop-closure figures select callbacks by when they were raised, and
  // SQL reports can read the delays without parsing bodies.
  `ALTER TABLE callbacks ADD COLUMN created_at TEXT;
   ALTER TABLE callbacks ADD COLUMN first_contact_at TEXT;
   ALTER TABLE callbacks ADD COLUMN closed_at TEXT;
   UPDATE callbacks SET
     created_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(body, '$.createdAt')),
     first_contact_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(body, '$.firstContactAt')),
     closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(body, '$.closedAt'));
   CREATE INDEX callbacks_created_at ON callbacks (created_at);`,
  // A record queued again while its job runs (a callback changed during its sync) is run once
  // more when that job settles, instead of being dropped. Open jobs are counted, and done ones
  // pruned, through indexes that do not grow with the history.
  `ALTER TABLE jobs ADD COLUMN rerun INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX jobs_open ON jobs (crm, state) WHERE state IN ('ready', 'running', 'dead');
   CREATE INDEX jobs_done ON jobs (updated_at) WHERE state = 'done';`,
];

/** An optional instant as the callbacks' time columns keep it: UTC ISO text, or NULL. */
const utc = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : null);

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** The SQLite store (the default): one file, WAL journal, safe for one server process. */
export class SqliteStore implements Store {
  readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    MIGRATIONS.forEach((sql, index) => {
      if (applied.has(index + 1)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db
          .prepare('INSERT INTO migrations (version, applied_at) VALUES (?, ?)')
          .run(index + 1, new Date().toISOString());
      })();
    });
  }

  private enqueueSync(crm: Queue, kind: JobKind, refs: readonly string[], runAt: number): void {
    const insert = this.db.prepare(
      `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at) VALUES (?, ?, ?, 'ready', ?, ?, ?)
       ON CONFLICT (crm, kind, ref) WHERE state IN ('ready', 'running')
       DO UPDATE SET rerun = 1 WHERE state = 'running'`,
    );
    for (const ref of refs) insert.run(crm, kind, ref, runAt, runAt, runAt);
  }

  async ingestAnswers(answers: readonly Answer[], crms: readonly Crm[], now: number) {
    const insert = this.db.prepare(
      `INSERT INTO answers (source, id, metric, score, answered_at, email, interaction_id, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const link = this.db.prepare(
      'INSERT OR IGNORE INTO answer_accounts (account_key, source, id, answered_at) VALUES (?, ?, ?, ?)',
    );
    const state = this.db.prepare(
      `INSERT OR IGNORE INTO sync_state (crm, kind, ref, state, updated_at) VALUES (?, 'answer', ?, 'pending', ?)`,
    );
    return this.db.transaction(() => {
      let accepted = 0;
      const refs: string[] = [];
      const erased = this.db.prepare('SELECT 1 FROM erasures WHERE email_hash = ?');
      for (const original of answers) {
        const email = original.respondent?.email;
        // A replay of a person erased on request comes back without their personal data.
        const answer = email && erased.get(hashEmail(email)) ? redact(original) : original;
        const result = insert.run(
          answer.source,
          answer.id,
          answer.metric,
          answer.score,
          new Date(answer.answeredAt).toISOString(),
          answer.respondent?.email?.toLowerCase() ?? null,
          answer.interactionId ?? null,
          JSON.stringify(answer),
          now,
        );
        if (result.changes === 0) continue;
        accepted++;
        refs.push(refOf(answer));
        for (const key of accountKeysOf(answer))
          link.run(
            key.toLowerCase(),
            answer.source,
            answer.id,
            new Date(answer.answeredAt).toISOString(),
          );
        for (const crm of crms) state.run(crm, refOf(answer), now);
      }
      for (const crm of crms) this.enqueueSync(crm, 'answer', refs, now);
      return { accepted, duplicates: answers.length - accepted };
    })();
  }

  async ingestRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    const insert = this.db.prepare(
      `INSERT INTO ratings (source, id, interaction_id, rating, rated_at, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const state = this.db.prepare(
      `INSERT OR IGNORE INTO sync_state (crm, kind, ref, state, updated_at) VALUES (?, 'rating', ?, 'pending', ?)`,
    );
    return this.db.transaction(() => {
      let accepted = 0;
      const refs: string[] = [];
      for (const rating of ratings) {
        const result = insert.run(
          rating.source,
          rating.id,
          rating.interactionId,
          rating.rating,
          rating.ratedAt,
          JSON.stringify(rating),
          now,
        );
        if (result.changes === 0) continue;
        accepted++;
        refs.push(refOf(rating));
        for (const crm of crms) state.run(crm, refOf(rating), now);
      }
      for (const crm of crms) this.enqueueSync(crm, 'rating', refs, now);
      return { accepted, duplicates: ratings.length - accepted };
    })();
  }

  async reviseRatings(ratings: readonly Rating[], crms: readonly Crm[], now: number) {
    const { accepted } = await this.ingestRatings(ratings, crms, now);
    const select = this.db.prepare('SELECT body FROM ratings WHERE source = ? AND id = ?');
    const update = this.db.prepare(
      'UPDATE ratings SET interaction_id = ?, rating = ?, rated_at = ?, body = ? WHERE source = ? AND id = ?',
    );
    return this.db.transaction(() => {
      const refs: string[] = [];
      for (const rating of ratings) {
        const body = JSON.stringify(rating);
        const row = select.get(rating.source, rating.id) as { body: string } | undefined;
        if (!row || row.body === body) continue;
        update.run(
          rating.interactionId,
          rating.rating,
          rating.ratedAt,
          body,
          rating.source,
          rating.id,
        );
        refs.push(refOf(rating));
      }
      for (const crm of crms) this.enqueueSync(crm, 'rating', refs, now);
      return { accepted, revised: refs.length };
    })();
  }

  private byRefs<T>(table: 'answers' | 'ratings', refs: readonly string[]): Map<string, T> {
    const result = new Map<string, T>();
    const select = this.db.prepare(`SELECT body FROM ${table} WHERE source = ? AND id = ?`);
    for (const ref of refs) {
      const split = ref.indexOf(':');
      const row = select.get(ref.slice(0, split), ref.slice(split + 1)) as
        { body: string } | undefined;
      if (row) result.set(ref, JSON.parse(row.body) as T);
    }
    return result;
  }

  async getAnswers(refs: readonly string[]) {
    return this.byRefs<Answer>('answers', refs);
  }

  async getRatings(refs: readonly string[]) {
    return this.byRefs<Rating>('ratings', refs);
  }

  async answersForAccount(keys: readonly string[], sinceIso: string): Promise<Answer[]> {
    if (keys.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT DISTINCT a.body FROM answer_accounts k JOIN answers a ON a.source = k.source AND a.id = k.id
         WHERE k.account_key IN (${placeholders(keys.length)}) AND k.answered_at >= ? ORDER BY a.answered_at`,
      )
      .all(...keys.map((k) => k.toLowerCase()), new Date(sinceIso).toISOString()) as {
      body: string;
    }[];
    return rows.map((row) => JSON.parse(row.body) as Answer);
  }

  async touchpointCounts() {
    return this.db
      .prepare(
        `SELECT json_extract(body, '$.touchpoint') AS label, COUNT(*) AS answers FROM answers
         WHERE json_extract(body, '$.touchpoint') IS NOT NULL GROUP BY label ORDER BY label`,
      )
      .all() as { label: string; answers: number }[];
  }

  async answersSince(sinceIso: string): Promise<Answer[]> {
    const rows = this.db
      .prepare('SELECT body FROM answers WHERE answered_at >= ?')
      .all(new Date(sinceIso).toISOString()) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as Answer);
  }

  async npsCountsSince(sinceIso: string): Promise<NpsCounts> {
    const row = this.db
      .prepare(
        "SELECT COUNT(*) FILTER (WHERE score >= 9) AS promoters, COUNT(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives, COUNT(*) FILTER (WHERE score <= 6) AS detractors FROM answers WHERE metric = 'nps' AND answered_at >= ?",
      )
      .get(new Date(sinceIso).toISOString()) as NpsCounts;
    return { promoters: row.promoters, passives: row.passives, detractors: row.detractors };
  }

  async answerForInteraction(interactionId: string) {
    const row = this.db
      .prepare(
        'SELECT body FROM answers WHERE interaction_id = ? ORDER BY answered_at DESC LIMIT 1',
      )
      .get(interactionId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Answer) : undefined;
  }

  async ratingForInteraction(interactionId: string) {
    const row = this.db
      .prepare('SELECT body FROM ratings WHERE interaction_id = ? ORDER BY rated_at DESC LIMIT 1')
      .get(interactionId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Rating) : undefined;
  }

  async unmatchedAnswers(limit: number) {
    const rows = this.db
      .prepare(
        `SELECT s.crm, s.detail, a.body FROM sync_state s JOIN answers a ON s.ref = a.source || ':' || a.id
         WHERE s.kind = 'answer' AND s.state = 'unmatched' ORDER BY a.answered_at LIMIT ?`,
      )
      .all(limit) as { crm: Crm; detail: string | null; body: string }[];
    return rows.map((row) => ({
      crm: row.crm,
      detail: row.detail ?? '',
      answer: JSON.parse(row.body) as Answer,
    }));
  }

  async linkAnswerAccount(ref: string, accountKey: string) {
    const split = ref.indexOf(':');
    this.db
      .prepare(
        `INSERT OR IGNORE INTO answer_accounts (account_key, source, id, answered_at) SELECT ?, source, id, answered_at FROM answers WHERE source = ? AND id = ?`,
      )
      .run(accountKey.toLowerCase(), ref.slice(0, split), ref.slice(split + 1));
  }

  async setSyncState(
    crm: Crm,
    kind: JobKind,
    ref: string,
    state: SyncState,
    detail?: string,
    crmId?: string,
  ) {
    this.db
      .prepare(
        `INSERT INTO sync_state (crm, kind, ref, state, crm_id, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (crm, kind, ref) DO UPDATE SET state = excluded.state, crm_id = COALESCE(excluded.crm_id, crm_id),
         detail = excluded.detail, updated_at = excluded.updated_at`,
      )
      .run(crm, kind, ref, state, crmId ?? null, detail ?? null, Date.now());
  }

  async syncStates(crm: Crm, kind: JobKind, refs: readonly string[]) {
    const select = this.db.prepare(
      'SELECT state, crm_id FROM sync_state WHERE crm = ? AND kind = ? AND ref = ?',
    );
    const result = new Map<string, { state: SyncState; crmId?: string }>();
    for (const ref of refs) {
      const row = select.get(crm, kind, ref) as
        { state: SyncState; crm_id: string | null } | undefined;
      if (row) result.set(ref, { state: row.state, ...(row.crm_id && { crmId: row.crm_id }) });
    }
    return result;
  }

  async createCallbacks(callbacks: readonly StoredCallback[], now: number) {
    if (callbacks.length === 0) return [];
    const insert = this.db.prepare(
      `INSERT INTO callbacks (id, crm, answer_ref, kind, status, account_key, due_at, body,
         created_at, first_contact_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    return this.db.transaction(() => {
      const created: string[] = [];
      for (const callback of callbacks) {
        const result = insert.run(
          callback.id,
          callback.crm,
          callback.answerRef,
          callback.kind,
          callback.status,
          callback.accountKey ?? null,
          callback.dueAt,
          JSON.stringify(callback),
          utc(callback.createdAt),
          utc(callback.firstContactAt),
          utc(callback.closedAt),
        );
        if (result.changes === 0) continue;
        created.push(callback.id);
        this.enqueueSync(callback.crm, 'callback', [callback.id], now);
      }
      return created;
    })();
  }

  async getCallback(id: string) {
    const row = this.db.prepare('SELECT body FROM callbacks WHERE id = ?').get(id) as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as StoredCallback) : undefined;
  }

  async getCallbacks(ids: readonly string[]) {
    const result = new Map<string, StoredCallback>();
    for (const id of ids) {
      const callback = await this.getCallback(id);
      if (callback) result.set(id, callback);
    }
    return result;
  }

  async updateCallback(
    id: string,
    change: (current: StoredCallback) => StoredCallback | undefined,
    options: { enqueueAt?: number } = {},
  ) {
    // One synchronous transaction: nothing else runs between the read and the write.
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT body FROM callbacks WHERE id = ?').get(id) as
        { body: string } | undefined;
      if (!row) return undefined;
      const next = change(JSON.parse(row.body) as StoredCallback);
      if (!next) return undefined;
      this.db
        .prepare(
          `UPDATE callbacks SET status = ?, due_at = ?, account_key = ?, body = ?,
           created_at = ?, first_contact_at = ?, closed_at = ? WHERE id = ?`,
        )
        .run(
          next.status,
          next.dueAt,
          next.accountKey ?? null,
          JSON.stringify(next),
          utc(next.createdAt),
          utc(next.firstContactAt),
          utc(next.closedAt),
          id,
        );
      if (options.enqueueAt !== undefined)
        this.enqueueSync(next.crm, 'callback', [id], options.enqueueAt);
      return next;
    })();
  }

  async queueUnsyncedCallbacks(now: number) {
    return this.db
      .prepare(
        `INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at)
         SELECT c.crm, 'callback', c.id, 'ready', ?, ?, ? FROM callbacks c
         WHERE NOT EXISTS (SELECT 1 FROM sync_state s WHERE s.crm = c.crm AND s.kind = 'callback'
           AND s.ref = c.id AND s.state IN ('synced', 'dead'))
         AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.crm = c.crm AND j.kind = 'callback'
           AND j.ref = c.id AND j.state IN ('ready', 'running', 'dead'))`,
      )
      .run(now, now, now).changes;
  }

  async listCallbacks(filter: CallbackFilter) {
    const params: unknown[] = [];
    const clauses = [`status NOT IN ('resolved', 'closed_no_contact')`];
    if (filter.status && filter.status !== 'open' && filter.status !== 'overdue') {
      clauses[0] = 'status = ?';
      params.push(filter.status);
    }
    if (filter.status === 'overdue') {
      clauses.push(`due_at < ?`, `status IN ('open', 'attempted', 'escalated')`);
      params.push(new Date(filter.now).toISOString());
    }
    if (filter.accountKey) {
      clauses.push('lower(account_key) = lower(?)');
      params.push(filter.accountKey);
    }
    const rows = this.db
      .prepare(`SELECT body FROM callbacks WHERE ${clauses.join(' AND ')} ORDER BY due_at LIMIT ?`)
      .all(...params, filter.limit ?? 500) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as StoredCallback);
  }

  async callbacksCreatedSince(sinceIso: string) {
    const rows = this.db
      .prepare('SELECT body FROM callbacks WHERE created_at >= ? ORDER BY created_at, id')
      .all(new Date(sinceIso).toISOString()) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as StoredCallback);
  }

  async enqueue(crm: Queue, kind: JobKind, refs: readonly string[], runAt: number) {
    this.db.transaction(() => this.enqueueSync(crm, kind, refs, runAt))();
  }

  async claim(crm: Queue, workerId: string, limit: number, leaseMs: number, now: number) {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, crm, kind, ref, attempts, last_error, updated_at FROM jobs
           WHERE crm = ? AND ((state = 'ready' AND run_at <= ?) OR (state = 'running' AND lease_until < ?))
           ORDER BY ${KIND_ORDER}, run_at, id LIMIT ?`,
        )
        .all(crm, now, now, limit) as JobRow[];
      if (rows.length > 0) {
        this.db
          .prepare(
            `UPDATE jobs SET state = 'running', locked_by = ?, lease_until = ?, updated_at = ? WHERE id IN (${placeholders(rows.length)})`,
          )
          .run(workerId, now + leaseMs, now, ...rows.map((r) => r.id));
      }
      return rows.map(toJob);
    })();
  }

  async heartbeat(ids: readonly number[], workerId: string, leaseMs: number, now: number) {
    if (ids.length === 0) return;
    this.db
      .prepare(
        `UPDATE jobs SET lease_until = ?, updated_at = ? WHERE state = 'running' AND locked_by = ? AND id IN (${placeholders(ids.length)})`,
      )
      .run(now + leaseMs, now, workerId, ...ids);
  }

  async complete(ids: readonly number[], now: number) {
    if (ids.length === 0) return;
    this.db
      .prepare(
        `UPDATE jobs SET state = CASE rerun WHEN 1 THEN 'ready' ELSE 'done' END,
         run_at = CASE rerun WHEN 1 THEN ? ELSE run_at END, attempts = CASE rerun WHEN 1 THEN 0 ELSE attempts END,
         rerun = 0, lease_until = NULL, updated_at = ? WHERE id IN (${placeholders(ids.length)})`,
      )
      .run(now, now, ...ids);
  }

  async retry(
    id: number,
    error: string,
    delayMs: number,
    now: number,
    options: { countAttempt: boolean; maxAttempts: number },
  ) {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(id) as
        { attempts: number } | undefined;
      const attempts = (row?.attempts ?? 0) + (options.countAttempt ? 1 : 0);
      const dead = attempts >= options.maxAttempts;
      this.db
        .prepare(
          `UPDATE jobs SET state = ?, attempts = ?, run_at = ?, last_error = ?, rerun = 0, lease_until = NULL, locked_by = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(dead ? 'dead' : 'ready', attempts, now + delayMs, error, now, id);
      return dead ? ('dead' as const) : ('retry' as const);
    })();
  }

  async deadLetter(id: number, error: string, now: number) {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'dead', attempts = attempts + 1, last_error = ?, lease_until = NULL, locked_by = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(error, now, id);
  }

  async listDead(limit: number): Promise<DeadJob[]> {
    const rows = this.db
      .prepare(
        `SELECT id, crm, kind, ref, attempts, last_error, updated_at FROM jobs WHERE state = 'dead' ORDER BY updated_at DESC LIMIT ?`,
      )
      .all(limit) as JobRow[];
    return rows.map((row) => ({
      ...toJob(row),
      lastError: row.last_error ?? '',
      updatedAt: new Date(row.updated_at).toISOString(),
    }));
  }

  async replay(ids: readonly number[] | 'all', now: number) {
    return this.db.transaction(() => {
      const rows = (
        ids === 'all'
          ? this.db.prepare(`SELECT id, crm, kind, ref FROM jobs WHERE state = 'dead'`).all()
          : this.db
              .prepare(
                `SELECT id, crm, kind, ref FROM jobs WHERE state = 'dead' AND id IN (${placeholders(ids.length)})`,
              )
              .all(...ids)
      ) as { id: number; crm: Crm; kind: JobKind; ref: string }[];
      let replayed = 0;
      for (const row of rows) {
        const pending = this.db
          .prepare(
            `SELECT 1 FROM jobs WHERE crm = ? AND kind = ? AND ref = ? AND state IN ('ready', 'running')`,
          )
          .get(row.crm, row.kind, row.ref);
        if (pending) {
          // The same record is already queued again: the dead copy is redundant.
          this.db
            .prepare(`UPDATE jobs SET state = 'done', updated_at = ? WHERE id = ?`)
            .run(now, row.id);
        } else {
          this.db
            .prepare(
              `UPDATE jobs SET state = 'ready', attempts = 0, run_at = ?, updated_at = ? WHERE id = ?`,
            )
            .run(now, now, row.id);
        }
        this.db
          .prepare(
            `UPDATE sync_state SET state = 'pending', updated_at = ? WHERE crm = ? AND kind = ? AND ref = ? AND state = 'dead'`,
          )
          .run(now, row.crm, row.kind, row.ref);
        replayed++;
      }
      return replayed;
    })();
  }

  async queueStats() {
    const rows = this.db
      .prepare('SELECT crm, state, COUNT(*) AS n FROM jobs GROUP BY crm, state')
      .all() as { crm: string; state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.crm}.${r.state}`, r.n]));
  }

  async openJobCounts() {
    // The same condition as the jobs_open index, so that SQLite counts from it.
    const rows = this.db
      .prepare(
        `SELECT crm, state, COUNT(*) AS n FROM jobs WHERE state IN ('ready', 'running', 'dead') GROUP BY crm, state`,
      )
      .all() as { crm: string; state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.crm}.${r.state}`, r.n]));
  }

  async pruneDoneJobs(before: number, limit: number) {
    return this.db
      .prepare(
        `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND updated_at < ? LIMIT ?)`,
      )
      .run(before, limit).changes;
  }

  async ping() {
    this.db.prepare('SELECT 1').get();
  }

  async linkContact(crm: Crm, contactId: string, email: string) {
    this.db
      .prepare('INSERT OR REPLACE INTO crm_contacts (crm, contact_id, email) VALUES (?, ?, ?)')
      .run(crm, contactId, email.toLowerCase());
  }

  async eraseContact(crm: Crm, contactId: string, now: number) {
    const rows = this.db
      .prepare('SELECT email FROM crm_contacts WHERE crm = ? AND contact_id = ?')
      .all(crm, contactId) as { email: string }[];
    let erased = 0;
    for (const { email } of rows) erased += this.eraseEmail(email, now);
    this.db
      .prepare('DELETE FROM crm_contacts WHERE crm = ? AND contact_id = ?')
      .run(crm, contactId);
    return erased;
  }

  /** Redacts a person's answers (e-mail, name, verbatim) and callbacks; keeps the scores. */
  private eraseEmail(email: string, now: number): number {
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT OR IGNORE INTO erasures (email_hash, erased_at) VALUES (?, ?)')
        .run(hashEmail(email), now);
      const rows = this.db
        .prepare('SELECT source, id, body FROM answers WHERE email = ?')
        .all(email.toLowerCase()) as { source: string; id: string; body: string }[];
      for (const row of rows) {
        this.db
          .prepare('UPDATE answers SET email = NULL, body = ? WHERE source = ? AND id = ?')
          .run(JSON.stringify(redact(JSON.parse(row.body) as Answer)), row.source, row.id);
      }
      const callbacks = this.db
        .prepare("SELECT id, body FROM callbacks WHERE json_extract(body, '$.respondentEmail') = ?")
        .all(email.toLowerCase()) as { id: string; body: string }[];
      for (const callback of callbacks) {
        const { respondentEmail: _removed, ...rest } = JSON.parse(callback.body) as StoredCallback;
        this.db
          .prepare('UPDATE callbacks SET body = ? WHERE id = ?')
          .run(JSON.stringify(rest), callback.id);
      }
      return rows.length;
    })();
  }

  async getSetting<T>(name: string) {
    const row = this.db.prepare('SELECT value FROM settings WHERE name = ?').get(name) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async setSetting(name: string, value: unknown, now: number) {
    this.db
      .prepare('INSERT OR REPLACE INTO settings (name, value, updated_at) VALUES (?, ?, ?)')
      .run(name, JSON.stringify(value), now);
  }

  async answersForRespondent(email: string, limit: number) {
    const rows = this.db
      .prepare('SELECT body FROM answers WHERE email = ? ORDER BY answered_at DESC LIMIT ?')
      .all(email.toLowerCase(), limit) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as Answer);
  }

  async ratingsForInteractions(interactionIds: readonly string[]) {
    if (interactionIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT body FROM ratings WHERE interaction_id IN (${placeholders(interactionIds.length)})`,
      )
      .all(...interactionIds) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as Rating);
  }

  async getCursor(name: string) {
    return (
      this.db.prepare('SELECT value FROM cursors WHERE name = ?').get(name) as
        { value: string } | undefined
    )?.value;
  }

  async setCursor(name: string, value: string) {
    this.db.prepare('INSERT OR REPLACE INTO cursors (name, value) VALUES (?, ?)').run(name, value);
  }

  async recordDelivery(source: string, deliveryId: string, now: number) {
    return (
      this.db
        .prepare(
          'INSERT OR IGNORE INTO deliveries (source, delivery_id, received_at) VALUES (?, ?, ?)',
        )
        .run(source, deliveryId, now).changes > 0
    );
  }

  // Signatures share the deliveries table under their own source: no migration, same shape.
  async claimSignature(scope: string, signature: string, now: number, keepMs: number) {
    const source = `signature:${scope}`;
    return this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM deliveries WHERE source = ? AND received_at < ?')
        .run(source, now - keepMs);
      return (
        this.db
          .prepare(
            'INSERT OR IGNORE INTO deliveries (source, delivery_id, received_at) VALUES (?, ?, ?)',
          )
          .run(source, signature, now).changes > 0
      );
    })();
  }

  async releaseSignature(scope: string, signature: string) {
    this.db
      .prepare('DELETE FROM deliveries WHERE source = ? AND delivery_id = ?')
      .run(`signature:${scope}`, signature);
  }

  async log(crm: Crm, kind: JobKind, ref: string, outcome: string, detail: string, now: number) {
    this.db
      .prepare(
        'INSERT INTO sync_log (at, crm, kind, ref, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(now, crm, kind, ref, outcome, detail);
  }

  async runExclusive<T>(_name: string, work: () => Promise<T>) {
    // One server process per SQLite file: nobody else can be running it.
    return work();
  }

  async close() {
    this.db.close();
  }
}
