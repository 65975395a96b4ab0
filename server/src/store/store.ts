import type { Answer, Callback, Rating } from '@boucle/shared/schemas';
import type { CallbackStatus, NpsCounts } from '@boucle/shared';
import type { ErasureRequestInput, ErasureTargets, StoredErasure } from './erasures.ts';
import type { Dialect } from './dialect.ts';
import type { SyncFacts, SyncLogLine, SyncLogQuery } from './syncLog.ts';

/** The CRMs Boucle writes to. */
export type Crm = 'salesforce' | 'hubspot';

/**
 * A queue of jobs: one per CRM, `fetch` for survey responses to fetch from survey tools, and
 * `outbound` for the signed webhooks Boucle sends (`server/src/outbound/`).
 */
export type Queue = Crm | 'fetch' | 'outbound';

/**
 * What a job syncs: one answer, rating or callback, one account's rollup, one outbound delivery,
 * or one erasure (its ref the erasure id) in one CRM.
 */
export type JobKind = 'answer' | 'rating' | 'callback' | 'rollup' | 'delivery' | 'erasure';

/** A unit of work of the durable queue: sync one record to one CRM. */
export interface Job {
  readonly id: number;
  readonly crm: Queue;
  readonly kind: JobKind;
  /** The record's key: `source:id` for answers and ratings, the callback id, the account key. */
  readonly ref: string;
  readonly attempts: number;
  readonly lastError?: string;
}

/** A dead-lettered job, with why it died. */
export interface DeadJob extends Job {
  readonly lastError: string;
  readonly updatedAt: string;
}

/** Where a record stands in a CRM. */
export type SyncState = 'pending' | 'synced' | 'unmatched' | 'dead';

/**
 * One CRM's side of a callback: the work written there (a `Callback__c`, a HubSpot task) for that
 * CRM's assignee. A callback has one side per connected CRM whose rules raised it.
 */
export interface CallbackLink {
  readonly crm: Crm;
  /**
   * The key the CRM record is upserted by (`External_Id__c`, `boucle_external_id`): the
   * callback's id; for callbacks raised before one callback per answer and kind, the id the
   * callback had in that CRM (`crm:source:id:kind`), so that its record is never written twice.
   */
  readonly key: string;
  /** The CRM record id once written. */
  readonly crmId?: string;
  /** Who has the work in that CRM (a Salesforce user or queue id, a HubSpot owner id). */
  readonly assignee?: string;
  /** Who takes over when it escalates: the owner's manager in that CRM. */
  readonly escalateTo?: string;
  /** The CRM records the callback is about, resolved when it was raised there. */
  readonly crmAccountId?: string;
  readonly crmContactId?: string;
  /**
   * When that CRM's rules and business hours have it due; the callback's own due time is the
   * tighter of its sides' (a customer does not wait longer for one CRM's slower rules).
   */
  readonly dueAt?: string;
}

/** Where an outcome that settled a callback was logged, and by whom: the others are told. */
export interface CallbackLogged {
  /** A CRM (read back, or its card), or `api` (`PATCH /v1/callbacks/{id}`). */
  readonly via: Crm | 'api';
  readonly by?: string;
  readonly at: string;
}

/**
 * A callback as Boucle keeps it: one per answer and kind, whatever the number of CRMs (its id is
 * Boucle's), with one side per CRM it is written to (`links`).
 */
export interface StoredCallback extends Callback {
  /** The CRM whose rules raised it first (the API's `crm`). */
  readonly crm: Crm;
  /** The answer's `source:id`. */
  readonly answerRef: string;
  readonly reason?: string;
  readonly assignTo?: string;
  /** Its side in each CRM (the store keeps them beside the callback, `callback_links`). */
  readonly links: readonly CallbackLink[];
  /** Where and by whom the last outcome was logged, when not in Boucle's own sweep. */
  readonly loggedIn?: CallbackLogged;
}

/** A callback's side in one CRM, if it is written there. */
export const linkOf = (callback: StoredCallback, crm: Crm): CallbackLink | undefined =>
  callback.links.find((link) => link.crm === crm);

/** A callback with one CRM's side changed (or added). */
export function withLink(
  callback: StoredCallback,
  crm: Crm,
  change: (link: CallbackLink) => CallbackLink,
): StoredCallback {
  const current = linkOf(callback, crm) ?? { crm, key: callback.id };
  return {
    ...callback,
    links: [...callback.links.filter((link) => link.crm !== crm), change(current)],
  };
}

/** An account a CRM has a rollup of: its rollup job's ref, its latest answer and NPS answer. */
export interface RolledUpAccount {
  /** `accountId|accountKey`, as the rollup job's ref. */
  readonly ref: string;
  readonly lastAnswerAt?: string;
  readonly lastNpsAt?: string;
}

/** One record's new sync state in one CRM (`setSyncStates`, `settleJobs`). */
export interface SyncStateChange {
  readonly crm: Crm;
  readonly kind: JobKind;
  readonly ref: string;
  readonly state: SyncState;
  readonly detail?: string;
  /** The CRM record id; without one, the id already known is kept. */
  readonly crmId?: string;
}

/** A line of the sync log. */
export interface SyncLogEntry {
  readonly crm: Crm;
  readonly kind: JobKind;
  readonly ref: string;
  readonly outcome: string;
  readonly detail: string;
  readonly at: number;
  /** The CRM record id written (a `synced` line). */
  readonly crmId?: string;
}

/**
 * What became of a batch of jobs of one CRM, settled in one transaction by `settleJobs`: what the
 * sync engine otherwise does with one `setSyncState`, `complete`, `retry`, `deadLetter` and `log`
 * call (and one transaction) per job.
 */
export interface Settlement {
  /** Written to the CRM: sync state `synced` with the record's CRM id, and the job completed. */
  readonly synced?: readonly { readonly job: Job; readonly crmId: string }[];
  /**
   * To run again after `delayMs`; a counted attempt that reaches `maxAttempts` dead-letters the
   * job instead (sync state `dead`, logged `after N attempts: error`).
   */
  readonly retry?: readonly {
    readonly job: Job;
    readonly error: string;
    readonly delayMs: number;
    readonly countAttempt: boolean;
  }[];
  /** Dead-lettered at once (an error no retry can fix): sync state `dead`, logged. */
  readonly dead?: readonly { readonly job: Job; readonly error: string }[];
  /** Other sync states to set with it (an answer `unmatched`, with why). */
  readonly states?: readonly SyncStateChange[];
  /** Other log lines (`N records synced`). */
  readonly log?: readonly SyncLogEntry[];
}

export interface CallbackFilter {
  /** `open`: the loop is not closed yet (any state but resolved and closed_no_contact); `overdue`:
   * past due and not reached; any other: callbacks in exactly that state. */
  readonly status?: 'open' | 'overdue' | Exclude<CallbackStatus, 'open'>;
  readonly accountKey?: string;
  readonly now: string;
  readonly limit?: number;
}

/**
 * Boucle's system of record: answers, ratings, callbacks, per-CRM sync state, the job queue and the
 * sync log. Answers and ratings are unique by (source, id), so a retry or replay is a duplicate,
 * never a second record. Every method is async so that a PostgreSQL store can implement it.
 */
export interface Store {
  /** The database and its dialect, for modules that keep tables of their own (`outbound/`). */
  readonly dialect: Dialect;
  /**
   * Stores answers not seen before and queues their sync to each CRM, in one transaction; calls
   * made concurrently share it (group commit), each resolving with its own counts once committed.
   */
  ingestAnswers(
    answers: readonly Answer[],
    crms: readonly Crm[],
    now: number,
  ): Promise<{ accepted: number; duplicates: number; erased?: number }>;
  ingestRatings(
    ratings: readonly Rating[],
    crms: readonly Crm[],
    now: number,
  ): Promise<{ accepted: number; duplicates: number }>;
  /**
   * Stores ratings read back from a CRM where they can be edited: new ones as `ingestRatings`
   * does, and a stored one whose content changed is replaced (the latest wins) and queued again.
   */
  reviseRatings(
    ratings: readonly Rating[],
    crms: readonly Crm[],
    now: number,
  ): Promise<{ accepted: number; revised: number }>;
  getAnswers(refs: readonly string[]): Promise<Map<string, Answer>>;
  getRatings(refs: readonly string[]): Promise<Map<string, Rating>>;
  /** Answers about an account (by domain, Salesforce id or HubSpot id) since an instant. */
  answersForAccount(keys: readonly string[], sinceIso: string): Promise<Answer[]>;
  /** Every answer since an instant. */
  answersSince(sinceIso: string): Promise<Answer[]>;
  /**
   * The answers filed under each of many account keys (domain, Salesforce id, HubSpot id) since an
   * instant, by key in lower case, oldest first: one query per few hundred keys (a rollup round).
   */
  answersForAccounts(keys: readonly string[], sinceIso: string): Promise<Map<string, Answer[]>>;
  /**
   * The open callbacks (not resolved nor closed without contact) of one CRM per account key, in
   * lower case, counted by the database in one query per few hundred keys; a key without any is
   * missing from the map.
   */
  openCallbackCounts(accountKeys: readonly string[]): Promise<Map<string, number>>;
  /** Remembers the accounts a CRM has a rollup of, with their latest answers (for the refresh). */
  recordRollups(crm: Crm, accounts: readonly RolledUpAccount[], now: number): Promise<void>;
  /**
   * The rollup refs of a CRM the passing of time changes: accounts with an answer after
   * `answeredAfter`, and those whose latest NPS answer is in (`npsFrom`, `npsTo`] (ISO instants).
   */
  rollupsToRefresh(
    crm: Crm,
    answeredAfter: string,
    npsFrom: string,
    npsTo: string,
  ): Promise<string[]>;
  /**
   * The NPS categories of every NPS answer since an instant, counted by the database: the org-wide
   * norm, which card requests and every rollup round need, without reading each answer's body.
   */
  npsCountsSince(sinceIso: string): Promise<NpsCounts>;
  /** Each touchpoint label answers carry, as sent, with how many answers carry it. */
  touchpointCounts(): Promise<{ label: string; answers: number }[]>;
  answerForInteraction(interactionId: string): Promise<Answer | undefined>;
  ratingForInteraction(interactionId: string): Promise<Rating | undefined>;
  /** Answers parked because the respondent is not in the CRM yet. */
  unmatchedAnswers(limit: number): Promise<{ answer: Answer; crm: Crm; detail: string }[]>;

  /** Files an answer under one more account key (the CRM account id it resolved to). */
  linkAnswerAccount(ref: string, accountKey: string): Promise<void>;
  setSyncState(
    crm: Crm,
    kind: JobKind,
    ref: string,
    state: SyncState,
    detail?: string,
    crmId?: string,
  ): Promise<void>;
  /** Sets many sync states in one statement per few hundred (`setSyncState` for each). */
  setSyncStates(changes: readonly SyncStateChange[]): Promise<void>;
  syncStates(
    crm: Crm,
    kind: JobKind,
    refs: readonly string[],
  ): Promise<Map<string, { state: SyncState; crmId?: string }>>;

  /**
   * Inserts callbacks and queues each new side's sync in its CRM, in one transaction, so that a
   * crash never leaves a callback without its job. There is one callback per answer and kind: a
   * callback of the same answer and kind already raised (by another CRM) gets the new sides
   * (`links`) instead (and, while it is open, the tighter due time of the two), and a side already
   * there is left as it is. Returns the ids of the callbacks
   * created or given a side.
   */
  createCallbacks(callbacks: readonly StoredCallback[], now: number): Promise<string[]>;
  /** A callback by its id, or by the id it had in one CRM before callbacks were merged. */
  getCallback(id: string): Promise<StoredCallback | undefined>;
  getCallbacks(ids: readonly string[]): Promise<Map<string, StoredCallback>>;
  /**
   * Changes one callback atomically: `change` receives the callback as stored at that moment
   * (under a row lock on PostgreSQL) and returns its new state, or undefined to leave it as it is.
   * A caller that decided on an older read compares it with `current` inside `change`: that is the
   * compare-and-set that keeps a manager's update from being overwritten. With `enqueueAt`, the
   * callback's sync is queued in the same transaction, in every CRM it has a side in but those of
   * `except`. Returns the callback saved, if any.
   */
  updateCallback(
    id: string,
    change: (current: StoredCallback) => StoredCallback | undefined,
    options?: { enqueueAt?: number; except?: readonly Crm[] },
  ): Promise<StoredCallback | undefined>;
  /**
   * Queues the sync of every callback never written to its CRM that has no job waiting (left so
   * by a crash of a version that stored callbacks and jobs apart); returns how many it queued.
   */
  queueUnsyncedCallbacks(now: number): Promise<number>;
  listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]>;
  /** Every callback raised since an instant, open or closed, oldest first (loop-closure figures). */
  callbacksCreatedSince(sinceIso: string): Promise<StoredCallback[]>;

  enqueue(crm: Queue, kind: JobKind, refs: readonly string[], runAt: number): Promise<void>;
  /** Claims up to `limit` due jobs of a CRM (and jobs whose lease expired) for `leaseMs`. */
  claim(crm: Queue, workerId: string, limit: number, leaseMs: number, now: number): Promise<Job[]>;
  heartbeat(ids: readonly number[], workerId: string, leaseMs: number, now: number): Promise<void>;
  complete(ids: readonly number[], now: number): Promise<void>;
  /** Runs the job again after `delayMs`; dead-letters it after `maxAttempts` counted attempts. */
  retry(
    id: number,
    error: string,
    delayMs: number,
    now: number,
    options: { countAttempt: boolean; maxAttempts: number },
  ): Promise<'retry' | 'dead'>;
  deadLetter(id: number, error: string, now: number): Promise<void>;
  /**
   * Settles a batch of one CRM's jobs in one transaction (see `Settlement`); returns the ids of
   * the jobs that died, retried ones that ran out of attempts included.
   */
  settleJobs(
    crm: Crm,
    settlement: Settlement,
    now: number,
    options: { maxAttempts: number },
  ): Promise<{ dead: number[] }>;
  listDead(limit: number): Promise<DeadJob[]>;
  /** Moves dead jobs (all, or these ids) back to the queue; returns how many. */
  replay(ids: readonly number[] | 'all', now: number): Promise<number>;
  /** Jobs by `crm.state`, done ones included: a full count, for `doctor` and tests. */
  queueStats(): Promise<Record<string, number>>;
  /**
   * Jobs still ready, running or dead by `crm.state`: an indexed count that does not grow with
   * the history of done jobs (what `/metrics` reads on every scrape).
   */
  openJobCounts(): Promise<Record<string, number>>;
  /**
   * Deletes up to `limit` done jobs settled before `before` (returns how many), and the webhook
   * deliveries received 30 days before that (`DELIVERY_KEEP_MS`): past every provider's
   * retry window.
   */
  pruneDoneJobs(before: number, limit: number): Promise<number>;
  /** A cheap round trip that fails when the store cannot be used (`/health`). */
  ping(): Promise<void>;

  /** Remembers which CRM contact a respondent's e-mail resolved to. */
  linkContact(crm: Crm, contactId: string, email: string): Promise<void>;
  /**
   * Erases a person, once per e-mail (a second request returns the first one's id): in one
   * transaction the store's part (answers and ratings deleted, or kept anonymised with
   * `keepStatistics`; callbacks redacted; the hashed e-mail remembered so that later deliveries of
   * their old answers are refused) and an `erasure` job for each CRM when there is anything to
   * erase (`store/erasures.ts`).
   */
  requestErasure(input: ErasureRequestInput): Promise<{ id: string; created: boolean }>;
  /** An erasure with its progress per CRM and its audit log. */
  getErasure(id: string): Promise<StoredErasure | undefined>;
  /** The records an erasure covers in one CRM. */
  erasureTargets(id: string, crm: Crm): Promise<ErasureTargets>;
  /** Whether a sync job of these records is running in this CRM (the erasure waits for it). */
  erasureSyncRunning(crm: Crm, targets: ErasureTargets): Promise<boolean>;
  /** Records that an erasure is done or dead in one CRM, in its audit log too. */
  settleErasure(
    id: string,
    crm: Crm,
    state: 'done' | 'dead',
    detail: string,
    now: number,
  ): Promise<void>;
  /** The e-mails a CRM contact resolved from (what a privacy deletion of the contact erases). */
  contactEmails(crm: Crm, contactId: string): Promise<string[]>;
  getCursor(name: string): Promise<string | undefined>;
  getSetting<T>(name: string): Promise<T | undefined>;
  setSetting(name: string, value: unknown, now: number): Promise<void>;
  /** A respondent's answers, newest first. */
  answersForRespondent(email: string, limit: number): Promise<Answer[]>;
  ratingsForInteractions(interactionIds: readonly string[]): Promise<Rating[]>;
  setCursor(name: string, value: string): Promise<void>;
  /** Records a webhook delivery; false when it was seen before (a retry or a replay). */
  recordDelivery(source: string, deliveryId: string, now: number): Promise<boolean>;
  /**
   * Remembers a signed request's signature for `keepMs` (at least its timestamp window); false when
   * it was seen within that time: a replay. Every replica sharing the store sees the same
   * signatures. Signatures older than `keepMs` are forgotten.
   */
  claimSignature(scope: string, signature: string, now: number, keepMs: number): Promise<boolean>;
  /** Forgets a claimed signature: its request failed, and the sender may retry it signed alike. */
  releaseSignature(scope: string, signature: string): Promise<void>;
  log(
    crm: Crm,
    kind: JobKind,
    ref: string,
    outcome: string,
    detail: string,
    now: number,
  ): Promise<void>;
  /** Appends many lines to the sync log in one statement per few hundred. */
  logMany(entries: readonly SyncLogEntry[]): Promise<void>;
  /** A page of the sync log (`store/syncLog.ts`). */
  readSyncLog(query: SyncLogQuery): Promise<SyncLogLine[]>;
  /** Deletes up to `limit` sync log lines logged before `before`; returns how many. */
  pruneSyncLog(before: number, limit: number): Promise<number>;
  /** Last successful sync, backlog and dead letters per CRM and kind (the health summary). */
  syncFacts(): Promise<SyncFacts>;
  /**
   * Runs `work` unless another server sharing this store is running work of the same name (the
   * escalation sweep, the HubSpot feedback poll): then returns undefined at once. One process
   * (SQLite) always runs it; PostgreSQL replicas take an advisory lock.
   */
  runExclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

/** The key of an answer or a rating: `source:id`. */
export const refOf = (record: { source: string; id: string }) => `${record.source}:${record.id}`;

/** The account keys an answer carries: domain, Salesforce id, HubSpot id. */
export function accountKeysOf(answer: Answer): string[] {
  const account = answer.account;
  const keys = [account?.domain, account?.crmAccountId, account?.hubspotCompanyId];
  const email = answer.respondent?.email;
  if (!account?.domain && email) keys.push(email.split('@')[1]?.toLowerCase());
  return keys.filter((key): key is string => Boolean(key));
}

// Answers first: callbacks and ratings point at them; rollups and erasures come last.
export const KIND_ORDER = `CASE kind WHEN 'answer' THEN 0 WHEN 'rating' THEN 1 WHEN 'callback' THEN 2 ELSE 3 END`;

/** A row of the jobs table, as both stores read it. */
export interface JobRow {
  id: number;
  crm: Queue;
  kind: JobKind;
  ref: string;
  attempts: number;
  last_error: string | null;
  run_at?: number;
  updated_at: number;
}

export const toJob = (row: JobRow): Job => ({
  id: row.id,
  crm: row.crm,
  kind: row.kind,
  ref: row.ref,
  attempts: row.attempts,
  ...(row.last_error && { lastError: row.last_error }),
});
