/**
 * The store's migrations, one ordered list per dialect, applied in order once each and recorded
 * in the `migrations` table by version. Append; never edit one that has shipped: databases
 * migrated by earlier versions open with these lists unchanged. The first lists were written for
 * the two hand-written stores and differ in column types (INTEGER/BIGINT, 0/1 and BOOLEAN);
 * `schema.ts` is the one shape both end up with.
 */

/**
 * The accounts each CRM has a rollup of, with their latest answer and latest NPS answer, so that
 * the daily refresh finds the rollups the passing of time changes (the window slides). Seeded
 * with the accounts of the rollup jobs still in the queue's history, their dates unknown (a
 * far-future date: refreshed at the first sweep, which records the real ones).
 */
function rollupAccountsTable(integer: 'INTEGER' | 'BIGINT'): string {
  return `CREATE TABLE rollup_accounts (crm TEXT NOT NULL, ref TEXT NOT NULL, last_answer_at TEXT,
     last_nps_at TEXT, updated_at ${integer} NOT NULL, PRIMARY KEY (crm, ref));
   CREATE INDEX rollup_accounts_answer ON rollup_accounts (crm, last_answer_at);
   INSERT INTO rollup_accounts (crm, ref, last_answer_at, last_nps_at, updated_at)
     SELECT DISTINCT crm, ref, '9999-12-31T00:00:00.000Z', NULL, 0 FROM jobs WHERE kind = 'rollup';`;
}

export const SQLITE_MIGRATIONS: readonly string[] = [
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
  // The respondent's e-mail of a callback as a column (PostgreSQL has had it from the start), so
  // that a privacy deletion finds callbacks by an index instead of parsing every body; answers by
  // e-mail through an index, as in PostgreSQL.
  `ALTER TABLE callbacks ADD COLUMN respondent_email TEXT;
   UPDATE callbacks SET respondent_email = lower(json_extract(body, '$.respondentEmail'));
   CREATE INDEX callbacks_respondent ON callbacks (respondent_email);
   CREATE INDEX answers_email ON answers (email);`,
  // Outbound Standard Webhooks deliveries (survey.requested, sync.alert), one row per event,
  // unique by the caller's idempotency key: the same key is one delivery.
  `CREATE TABLE outbound_events (id TEXT PRIMARY KEY, event_key TEXT NOT NULL UNIQUE, target TEXT NOT NULL,
     type TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, delivered_at INTEGER, updated_at INTEGER NOT NULL);
   CREATE INDEX outbound_events_status ON outbound_events (status, created_at);`,
  // The sync log, read (GET /v1/sync-log, `boucle sync-log`): each line with the CRM id it wrote,
  // paged by id and filtered by time and record, pruned by age; the last successful sync of each
  // CRM and kind kept apart, so the health summary does not scan the log.
  `ALTER TABLE sync_log ADD COLUMN crm_id TEXT;
   CREATE INDEX sync_log_at ON sync_log (at);
   CREATE INDEX sync_log_ref ON sync_log (ref);
   CREATE TABLE sync_last (crm TEXT NOT NULL, kind TEXT NOT NULL, synced_at INTEGER NOT NULL,
     PRIMARY KEY (crm, kind));
   INSERT INTO sync_last (crm, kind, synced_at)
     SELECT crm, kind, MAX(at) FROM sync_log WHERE outcome = 'synced' GROUP BY crm, kind;`,
  // Erasures on request (POST /v1/erasures, `boucle erase`, HubSpot privacy deletions): the
  // request by the hashed e-mail (one per person), the records it covers (Boucle's refs and CRM
  // contact ids, never the address), its progress per CRM, and the audit log of what happened
  // when, without personal data.
  `CREATE TABLE erasure_requests (id TEXT PRIMARY KEY, email_hash TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,
     keep_statistics INTEGER NOT NULL, requested_at INTEGER NOT NULL, found TEXT NOT NULL);
   CREATE TABLE erasure_records (erasure_id TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     PRIMARY KEY (erasure_id, kind, ref));
   CREATE TABLE erasure_progress (erasure_id TEXT NOT NULL, crm TEXT NOT NULL, state TEXT NOT NULL, detail TEXT,
     updated_at INTEGER NOT NULL, PRIMARY KEY (erasure_id, crm));
   CREATE TABLE erasure_log (id INTEGER PRIMARY KEY AUTOINCREMENT, erasure_id TEXT NOT NULL, at INTEGER NOT NULL,
     crm TEXT, outcome TEXT NOT NULL, detail TEXT NOT NULL);
   CREATE INDEX erasure_log_erasure ON erasure_log (erasure_id, id);`,
  rollupAccountsTable('INTEGER'),
  // Survey pressure (server/src/surveys/): survey requests from automations and the follow-ups
  // due after callbacks, and each answer's verdict under the caps (decided once, so that both
  // CRMs agree); the history a permission reads comes through indexes on e-mail (answers_email)
  // and account (answer_accounts by time: an account's answers are many).
  `CREATE TABLE survey_requests (id TEXT PRIMARY KEY, request_key TEXT UNIQUE, email TEXT NOT NULL,
     account_key TEXT, touchpoint TEXT, reason TEXT, origin TEXT NOT NULL, status TEXT NOT NULL,
     due_at TEXT NOT NULL, requested_at TEXT, refusal TEXT, next_allowed_at TEXT, callback_id TEXT,
     answer_ref TEXT, delivery_id TEXT, body TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE INDEX survey_requests_email ON survey_requests (email, requested_at);
   CREATE INDEX survey_requests_account ON survey_requests (account_key, requested_at);
   CREATE INDEX survey_requests_status ON survey_requests (status, due_at);
   CREATE INDEX survey_requests_created ON survey_requests (created_at);
   CREATE TABLE answer_pressure (answer_ref TEXT PRIMARY KEY, verdict TEXT NOT NULL, reasons TEXT NOT NULL,
     request_id TEXT, decided_at INTEGER NOT NULL);
   CREATE INDEX answer_pressure_verdict ON answer_pressure (verdict, decided_at);
   CREATE INDEX answer_accounts_answered ON answer_accounts (account_key, answered_at);`,
  // One callback per answer and kind, whatever the number of CRMs: see ONE_CALLBACK_PER_ANSWER.
  oneCallbackPerAnswer('sqlite'),
];

/**
 * PostgreSQL's, applied under an advisory lock so that replicas starting together apply each
 * exactly once.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
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
  // Outbound Standard Webhooks deliveries (survey.requested, sync.alert), one row per event,
  // unique by the caller's idempotency key: the same key is one delivery.
  `CREATE TABLE outbound_events (id TEXT PRIMARY KEY, event_key TEXT NOT NULL UNIQUE, target TEXT NOT NULL,
     type TEXT NOT NULL, data TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, delivered_at BIGINT, updated_at BIGINT NOT NULL);
   CREATE INDEX outbound_events_status ON outbound_events (status, created_at);`,
  `ALTER TABLE sync_log ADD COLUMN crm_id TEXT;
   CREATE INDEX sync_log_at ON sync_log (at);
   CREATE INDEX sync_log_ref ON sync_log (ref);
   CREATE TABLE sync_last (crm TEXT NOT NULL, kind TEXT NOT NULL, synced_at BIGINT NOT NULL,
     PRIMARY KEY (crm, kind));
   INSERT INTO sync_last (crm, kind, synced_at)
     SELECT crm, kind, MAX(at) FROM sync_log WHERE outcome = 'synced' GROUP BY crm, kind;`,
  // Erasures on request: as in SQLite.
  `CREATE TABLE erasure_requests (id TEXT PRIMARY KEY, email_hash TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,
     keep_statistics INTEGER NOT NULL, requested_at BIGINT NOT NULL, found TEXT NOT NULL);
   CREATE TABLE erasure_records (erasure_id TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
     PRIMARY KEY (erasure_id, kind, ref));
   CREATE TABLE erasure_progress (erasure_id TEXT NOT NULL, crm TEXT NOT NULL, state TEXT NOT NULL, detail TEXT,
     updated_at BIGINT NOT NULL, PRIMARY KEY (erasure_id, crm));
   CREATE TABLE erasure_log (id BIGSERIAL PRIMARY KEY, erasure_id TEXT NOT NULL, at BIGINT NOT NULL,
     crm TEXT, outcome TEXT NOT NULL, detail TEXT NOT NULL);
   CREATE INDEX erasure_log_erasure ON erasure_log (erasure_id, id);`,
  rollupAccountsTable('BIGINT'),
  // Survey pressure (server/src/surveys/): survey requests from automations and the follow-ups
  // due after callbacks, and each answer's verdict under the caps (decided once, so that both
  // CRMs agree); the history a permission reads comes through indexes on e-mail (answers_email)
  // and account (answer_accounts by time: an account's answers are many).
  `CREATE TABLE survey_requests (id TEXT PRIMARY KEY, request_key TEXT UNIQUE, email TEXT NOT NULL,
     account_key TEXT, touchpoint TEXT, reason TEXT, origin TEXT NOT NULL, status TEXT NOT NULL,
     due_at TEXT NOT NULL, requested_at TEXT, refusal TEXT, next_allowed_at TEXT, callback_id TEXT,
     answer_ref TEXT, delivery_id TEXT, body TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE INDEX survey_requests_email ON survey_requests (email, requested_at);
   CREATE INDEX survey_requests_account ON survey_requests (account_key, requested_at);
   CREATE INDEX survey_requests_status ON survey_requests (status, due_at);
   CREATE INDEX survey_requests_created ON survey_requests (created_at);
   CREATE TABLE answer_pressure (answer_ref TEXT PRIMARY KEY, verdict TEXT NOT NULL, reasons TEXT NOT NULL,
     request_id TEXT, decided_at BIGINT NOT NULL);
   CREATE INDEX answer_pressure_verdict ON answer_pressure (verdict, decided_at);
   CREATE INDEX answer_accounts_answered ON answer_accounts (account_key, answered_at);`,
  // One callback per answer and kind, whatever the number of CRMs: see ONE_CALLBACK_PER_ANSWER.
  oneCallbackPerAnswer('postgres'),
];

/** An instant of the callback's JSON body, as UTC ISO text like Date#toISOString (or NULL). */
function utcOf(field: string): string {
  return `to_char((substring(body from '"${field}":"([^"]+)"')::timestamptz) AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * ONE_CALLBACK_PER_ANSWER: each CRM's side of a callback (the work written there for that CRM's
 * assignee, upserted by its key) moves to `callback_links`, and the twin callbacks an answer
 * raised (one per CRM before: `salesforce:…` and `hubspot:…`) merge into one by the convergence
 * rule (`convergingEdit` in shared/src/callbacks/convergence.ts): the furthest along closing the
 * loop wins (open, escalated, attempted, reached, closed), on a tie the later (closed, else first
 * contacted, else raised), then the first id. The winner keeps its id and gathers every side,
 * each under the key its CRM record already has, so no record is written twice; the jobs and
 * sync states of the others follow it, and each CRM whose side lost is queued a write, so that
 * both CRMs converge on the winner. Duplicates can no longer be raised (a unique index).
 * Written once per dialect: `json_extract` in SQLite; in PostgreSQL the body is read as text
 * (`body::jsonb` refuses the \u0000 a manager's notes may hold).
 */
function oneCallbackPerAnswer(dialect: 'sqlite' | 'postgres'): string {
  const field = (name: string) =>
    dialect === 'sqlite'
      ? `json_extract(c.body, '$.${name}')`
      : `substring(c.body from '"${name}":"([^"]+)"')`;
  const nowMs =
    dialect === 'sqlite'
      ? `CAST(strftime('%s', 'now') AS INTEGER) * 1000`
      : `(extract(epoch from now()) * 1000)::bigint`;
  const progress = `CASE w.status WHEN 'open' THEN 0 WHEN 'escalated' THEN 1 WHEN 'attempted' THEN 2
       WHEN 'reached' THEN 3 ELSE 4 END`;
  return `CREATE TABLE callback_links (callback_id TEXT NOT NULL, crm TEXT NOT NULL, crm_key TEXT NOT NULL,
     crm_id TEXT, assignee TEXT, escalate_to TEXT, crm_account_id TEXT, crm_contact_id TEXT, due_at TEXT,
     PRIMARY KEY (callback_id, crm));
   CREATE INDEX callback_links_key ON callback_links (crm_key);
   CREATE TEMP TABLE callback_merge AS
     SELECT c.id, c.crm, (SELECT w.id FROM callbacks w WHERE w.answer_ref = c.answer_ref AND w.kind = c.kind
       ORDER BY ${progress} DESC, COALESCE(w.closed_at, w.first_contact_at, w.created_at, '') DESC, w.id
       LIMIT 1) AS winner
     FROM callbacks c;
   INSERT INTO callback_links
     (callback_id, crm, crm_key, crm_id, assignee, escalate_to, crm_account_id, crm_contact_id, due_at)
     SELECT m.winner, c.crm, c.id, ${field('crmId')}, ${field('assignee')}, ${field('escalateTo')},
       ${field('crmAccountId')}, ${field('crmContactId')}, c.due_at
     FROM callbacks c JOIN callback_merge m ON m.id = c.id;
   UPDATE jobs SET ref = (SELECT m.winner FROM callback_merge m WHERE m.id = jobs.ref)
     WHERE kind = 'callback' AND ref IN (SELECT id FROM callback_merge WHERE id <> winner);
   UPDATE sync_state SET ref = (SELECT m.winner FROM callback_merge m WHERE m.id = sync_state.ref)
     WHERE kind = 'callback' AND ref IN (SELECT id FROM callback_merge WHERE id <> winner);
   INSERT INTO jobs (crm, kind, ref, state, run_at, created_at, updated_at)
     SELECT m.crm, 'callback', m.winner, 'ready', ${nowMs}, ${nowMs}, ${nowMs}
     FROM callback_merge m WHERE m.id <> m.winner
     ON CONFLICT DO NOTHING;
   DELETE FROM callbacks WHERE id IN (SELECT id FROM callback_merge WHERE id <> winner);
   DROP TABLE callback_merge;
   CREATE UNIQUE INDEX callbacks_answer_kind ON callbacks (answer_ref, kind);`;
}
