import type { Generated } from 'kysely';

/**
 * The store's tables as Kysely types them, one shape for both dialects. Times the queue compares
 * are epoch milliseconds (INTEGER in SQLite, BIGINT in PostgreSQL, read as numbers); instants of
 * answers and callbacks are UTC ISO text, which sorts as time.
 */
export interface Schema {
  answers: {
    source: string;
    id: string;
    metric: string;
    score: number;
    answered_at: string;
    email: string | null;
    interaction_id: string | null;
    body: string;
    received_at: number;
  };
  answer_accounts: { account_key: string; source: string; id: string; answered_at: string };
  ratings: {
    source: string;
    id: string;
    interaction_id: string;
    rating: number;
    rated_at: string;
    body: string;
    received_at: number;
  };
  sync_state: {
    crm: string;
    kind: string;
    ref: string;
    state: string;
    crm_id: string | null;
    detail: string | null;
    updated_at: number;
  };
  callbacks: {
    id: string;
    crm: string;
    answer_ref: string;
    kind: string;
    status: string;
    account_key: string | null;
    due_at: string;
    respondent_email: string | null;
    body: string;
    created_at: string | null;
    first_contact_at: string | null;
    closed_at: string | null;
  };
  /** Each CRM's side of a callback: the record written there, for that CRM's assignee. */
  callback_links: {
    callback_id: string;
    crm: string;
    crm_key: string;
    crm_id: string | null;
    assignee: string | null;
    escalate_to: string | null;
    crm_account_id: string | null;
    crm_contact_id: string | null;
    due_at: string | null;
  };
  jobs: {
    id: Generated<number>;
    crm: string;
    kind: string;
    ref: string;
    state: string;
    attempts: Generated<number>;
    run_at: number;
    lease_until: number | null;
    locked_by: string | null;
    last_error: string | null;
    created_at: number;
    updated_at: number;
    /** A boolean: 0/1 in SQLite, BOOLEAN in PostgreSQL (see `Dialect.flag`). */
    rerun: Generated<number | boolean>;
  };
  sync_log: {
    id: Generated<number>;
    at: number;
    crm: string;
    kind: string;
    ref: string;
    outcome: string;
    detail: string;
    crm_id: string | null;
  };
  sync_last: { crm: string; kind: string; synced_at: number };
  deliveries: { source: string; delivery_id: string; received_at: number };
  crm_contacts: { crm: string; contact_id: string; email: string };
  erasures: { email_hash: string; erased_at: number };
  erasure_requests: {
    id: string;
    email_hash: string;
    origin: string;
    /** 0/1 in both dialects. */
    keep_statistics: number;
    requested_at: number;
    /** JSON: how many answers, ratings and callbacks of the person the store held. */
    found: string;
  };
  erasure_records: { erasure_id: string; kind: string; ref: string };
  erasure_progress: {
    erasure_id: string;
    crm: string;
    state: string;
    detail: string | null;
    updated_at: number;
  };
  erasure_log: {
    id: Generated<number>;
    erasure_id: string;
    at: number;
    crm: string | null;
    outcome: string;
    detail: string;
  };
  cursors: { name: string; value: string };
  settings: { name: string; value: string; updated_at: number };
  /** The accounts each CRM has a rollup of (ref `accountId|accountKey`), for the daily refresh. */
  rollup_accounts: {
    crm: string;
    ref: string;
    last_answer_at: string | null;
    last_nps_at: string | null;
    updated_at: number;
  };
  migrations: { version: number; applied_at: string };
}
